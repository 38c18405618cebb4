"""Quick insights, forecasting and data profiling, aggregated in the engine."""
