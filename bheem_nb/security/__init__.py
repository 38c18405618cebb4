"""Security: who is asking (identity), what they may see (RLS) and what may run (the guard)."""

from bheem_nb.security.identity import User, as_user, current_user, set_current_user

__all__ = ["User", "as_user", "current_user", "set_current_user"]
