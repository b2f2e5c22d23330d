#!/usr/bin/python3
"""Run a peer QR decoder from Debian's packages over image files.

Usage: peers.py zxingcpp|zbar WORKERS FILE...
Prints one JSON object per file: {"file", "texts", "ms", "error"}.
"""
import json
import sys
import time
from multiprocessing import Pool

from PIL import Image, ImageOps


def read_zxingcpp(img):
    import zxingcpp
    return [r.text for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)]


def read_zbar(img):
    from pyzbar import pyzbar
    out = []
    for r in pyzbar.decode(img, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            out.append(r.data.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(r.data.decode("latin-1"))
    return out


READERS = {"zxingcpp": read_zxingcpp, "zbar": read_zbar}


def work(args):
    name, path = args
    start = time.monotonic()
    try:
        img = ImageOps.exif_transpose(Image.open(path))
        img.load()
        texts = READERS[name](img)
        err = ""
    except Exception as e:  # a peer's failure on one file is that file's result
        texts, err = [], str(e)
    return {"file": path, "texts": texts, "ms": int((time.monotonic() - start) * 1000), "error": err}


def main():
    name, workers, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with Pool(workers) as pool:
        for r in pool.imap(work, [(name, f) for f in files]):
            print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
