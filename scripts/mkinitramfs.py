#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Pack a directory into a gzip'd cpio (newc) initramfs.

Usage: mkinitramfs.py STAGING_DIR OUTPUT

Every entry is owned by root, and /dev/console is added as a character
device, so the archive can be made without root privileges and the kernel
can open its initial console before /init mounts devtmpfs.
"""

import gzip
import os
import stat
import sys


def header(ino, mode, size, name, nlink=1, rdev=(0, 0), mtime=0):
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0,
              rdev[0], rdev[1], len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * (-n % 4)


def entry(out, ino, mode, name, data=b"", rdev=(0, 0), mtime=0):
    name_b = name.encode()
    head = header(ino, mode, len(data), name_b, rdev=rdev, mtime=mtime)
    head += name_b + b"\0"
    out.write(head + pad(len(head)))
    out.write(data + pad(len(data)))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, output = sys.argv[1], sys.argv[2]
    # Parents sort before their children, as the kernel's unpacker needs.
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        paths += [os.path.join(dirpath, n) for n in dirnames + filenames]
    paths.sort()
    ino = 1
    with gzip.open(output, "wb", compresslevel=1) as out:
        for path in paths:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            else:
                data = b""
            entry(out, ino, st.st_mode, os.path.relpath(path, root), data,
                  mtime=int(st.st_mtime))
            ino += 1
        if not os.path.exists(os.path.join(root, "dev")):
            entry(out, ino, stat.S_IFDIR | 0o755, "dev")
            ino += 1
        entry(out, ino, stat.S_IFCHR | 0o600, "dev/console", rdev=(5, 1))
        ino += 1
        entry(out, ino, 0, "TRAILER!!!")


if __name__ == "__main__":
    main()
