"""Scheduler: papermill report jobs, refresh, subscriptions and alerts (not built yet)."""
