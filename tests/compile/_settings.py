"""A settings module of the user's own, read by a compiled call (``_settings.SCALE``)."""

SCALE = 2.0

FACTORS = [2.0]


def scaled(x):
    """A function of the user's module, reading one of its globals."""
    return x * FACTORS[0]
