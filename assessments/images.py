"""Charts as PNG, rendered on the server from the same SVG the pages show.

cairosvg draws with libcairo2 and finds fonts through fontconfig: the charts ask for
DejaVu Sans (fonts-dejavu-core), which has every Kyrgyz and Russian letter (ү, ө, ң).
The Dockerfile installs both; docs/decisions.md says why cairosvg.
"""

from __future__ import annotations

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def svg_to_png(svg: str, *, scale: float = 2, width: int | None = None) -> bytes:
    """A PNG of `svg`: at `scale` × its own size (2 for sharp text on dense screens), or
    exactly `width` px wide (the height follows the drawing's proportions)."""
    # Imported here: loading cairo costs a few milliseconds that pages without images skip.
    import cairosvg

    if width is not None:
        return cairosvg.svg2png(bytestring=svg.encode(), output_width=width, unsafe=False)
    return cairosvg.svg2png(bytestring=svg.encode(), scale=scale, unsafe=False)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
