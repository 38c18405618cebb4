"""Cloud warehouses and scale-out: BigQuery, Snowflake, Spark connectors; connection profiles."""
