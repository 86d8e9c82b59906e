# The shared fixtures live in the package, beside the factories they use.
pytest_plugins = ["mesoclinic.testing"]
