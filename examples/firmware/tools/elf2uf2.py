#!/usr/bin/env python3
"""Converts a firmware ELF into a UF2 file for the uGame 10's bootloader.

Double-press reset on the uGame 10 (or use its bootloader's mass-storage
mode), then copy the .uf2 file onto the drive that appears. The bootloader
writes each 256-byte block to flash and restarts into the firmware.

The ELF's loadable segments are placed at their load addresses (the
firmware links at 0x2000, after the 8 KB bootloader); blocks are tagged with
the SAMD21 family ID. Only the Python standard library is used.

usage: elf2uf2.py FIRMWARE.elf OUTPUT.uf2
"""

import struct
import sys

UF2_MAGIC_START0 = 0x0A324655
UF2_MAGIC_START1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30
UF2_FLAG_FAMILY_ID = 0x00002000
SAMD21_FAMILY_ID = 0x68ED2B88
PAYLOAD = 256
BOOTLOADER_END = 0x2000


def load_segments(elf):
    """(address, bytes) of each loadable segment of a 32-bit little-endian ELF."""
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        raise ValueError("not a 32-bit little-endian ELF file")
    phoff, = struct.unpack_from("<I", elf, 0x1C)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x2A)
    segments = []
    for i in range(phnum):
        p_type, p_offset, _vaddr, p_paddr, p_filesz = struct.unpack_from(
            "<IIIII", elf, phoff + i * phentsize)
        if p_type == 1 and p_filesz:  # PT_LOAD with bytes in the file
            segments.append((p_paddr, elf[p_offset:p_offset + p_filesz]))
    return segments


def pages(segments):
    """The 256-byte flash pages the segments touch, unused bytes 0xFF."""
    image = {}
    for address, data in segments:
        if address < BOOTLOADER_END:
            raise ValueError(f"segment at {address:#x} would overwrite the bootloader")
        for offset, byte in enumerate(data):
            at = address + offset
            page = image.setdefault(at - at % PAYLOAD, bytearray(b"\xff" * PAYLOAD))
            page[at % PAYLOAD] = byte
    return sorted(image.items())


def uf2_blocks(segments):
    chosen = pages(segments)
    blocks = []
    for number, (address, data) in enumerate(chosen):
        header = struct.pack("<IIIIIIII", UF2_MAGIC_START0, UF2_MAGIC_START1,
                             UF2_FLAG_FAMILY_ID, address, PAYLOAD, number,
                             len(chosen), SAMD21_FAMILY_ID)
        body = bytes(data) + b"\x00" * (476 - PAYLOAD)
        blocks.append(header + body + struct.pack("<I", UF2_MAGIC_END))
    return b"".join(blocks), len(chosen)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], "rb") as f:
        segments = load_segments(f.read())
    if not segments:
        sys.exit(f"{sys.argv[1]}: nothing to flash")
    uf2, count = uf2_blocks(segments)
    with open(sys.argv[2], "wb") as f:
        f.write(uf2)
    first = min(address for address, _ in segments)
    size = sum(len(data) for _, data in segments)
    print(f"{sys.argv[2]}: {count} blocks, {size} bytes from {first:#x}")


if __name__ == "__main__":
    main()
