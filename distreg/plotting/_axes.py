"""Shared helper: the Axes to draw on."""


def get_axes(ax=None, figsize=(6.0, 4.0)):
    """Return ``ax``, or the Axes of a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax
