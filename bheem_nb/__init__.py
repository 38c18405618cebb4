"""bheem_nb: business intelligence inside Jupyter."""
