"""Publishing notebooks as dashboards: Voilà serving, viewer identity, embed tokens."""
