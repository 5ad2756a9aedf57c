"""The web workbench: a local FastAPI application over the services (no business logic here)."""
