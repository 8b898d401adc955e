"""Series colours, shared by the plotext charts and the text charts (no plotext import here)."""

from __future__ import annotations

# Okabe-Ito, a palette that colour-blind readers can tell apart; ordered for dark and for light backgrounds.
DARK_PALETTE = ((86, 180, 233), (230, 159, 0), (0, 158, 115), (204, 121, 167), (240, 228, 66), (213, 94, 0), (0, 114, 178))
LIGHT_PALETTE = ((0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167), (230, 159, 0), (86, 180, 233), (120, 120, 0))
# The two sides keep their colours everywhere: the leader's side warm, the counterpart's cool.
SIDE_COLORS = {
    True: {"leader": (230, 120, 40), "counterpart": (86, 180, 233), "unknown": (130, 130, 130)},
    False: {"leader": (200, 80, 0), "counterpart": (0, 114, 178), "unknown": (150, 150, 150)},
}


def group_rgb(groups: tuple[str, ...], group: str, dark: bool) -> tuple[int, int, int]:
    palette = DARK_PALETTE if dark else LIGHT_PALETTE
    index = groups.index(group) if group in groups else len(groups)
    return palette[index % len(palette)]


def rgb_style(color: tuple[int, int, int] | None, extra: str = "") -> str:
    if color is None:
        return extra
    r, g, b = color
    return f"{extra} rgb({r},{g},{b})".strip()
