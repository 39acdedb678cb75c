"""dockerfile-review: hadolint plus hardening and slimming rules for Dockerfiles."""

__version__ = "0.1.0"
