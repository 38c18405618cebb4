"""Kodee: plain-language questions answered as governed semantic queries or guarded SQL."""
