"""Organisations: who runs events on the platform, their teams and their roles."""
