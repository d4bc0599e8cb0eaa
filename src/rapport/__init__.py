"""Rapport: a self-hosted CRM and project-management platform with built-in AI."""

__version__ = "0.1.0"
