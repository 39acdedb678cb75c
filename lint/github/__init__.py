"""GitHub: the REST edge (``api``, PyGithub) and the pull-request workflow built on it."""
