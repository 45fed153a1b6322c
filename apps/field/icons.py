"""Draw the app's PNG icons with the standard library, so no image tool or download is needed.

Run `python -m apps.field.icons` to rewrite static/field/icons/icon-192.png and icon-512.png.
"""

import struct
import zlib
from pathlib import Path

BLUE = (0, 71, 179)
WHITE = (255, 255, 255)
INK = (11, 12, 14)


def _pixel(x: float, y: float) -> tuple[int, int, int]:
    """The icon on a unit square: a white ring around a white plus on the program's blue."""
    dx, dy = x - 0.5, y - 0.5
    distance = (dx * dx + dy * dy) ** 0.5
    if 0.30 <= distance <= 0.36:
        return WHITE
    if (abs(dx) < 0.06 and abs(dy) < 0.2) or (abs(dy) < 0.06 and abs(dx) < 0.2):
        return WHITE
    if distance > 0.48 and (abs(dx) > 0.42 and abs(dy) > 0.42):
        return INK
    return BLUE


def png_bytes(size: int) -> bytes:
    rows = bytearray()
    for row in range(size):
        rows.append(0)  # filter type: none
        for col in range(size):
            rows.extend(_pixel((col + 0.5) / size, (row + 0.5) / size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in (192, 512):
        path = folder / f"icon-{size}.png"
        path.write_bytes(png_bytes(size))
        written.append(path)
    return written


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent.parent
    for path in write_icons(root / "static" / "field" / "icons"):
        print(path)
