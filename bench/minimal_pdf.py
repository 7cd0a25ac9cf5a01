"""A one-page PDF with one line of Helvetica text, for the benches that need PDFs (the
thumbnails' media, the full-text index's documents): small enough to write by hand, complete
enough (xref table, offsets) for poppler and the server's own text extraction.

    python3 bench/minimal_pdf.py OUT TEXT [FONT_SIZE]
or, from Python run in the repository root: sys.path.insert(0, "bench"); from minimal_pdf import pdf
"""
import sys


def pdf(text, font_size=12, picture=b""):
    """`picture`: bytes stored in an image object the page does not show (a document's
    pictures: the file grows, its text does not)."""
    content = f"BT /F1 {font_size} Tf 72 720 Td ({text}) Tj ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    objs = [o.encode() for o in objs]
    if picture:
        objs.append(f"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 "
                    f"/ColorSpace /DeviceGray /Length {len(picture)} >>\nstream\n".encode()
                    + picture + b"\nendstream")
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += f"{i+1} 0 obj\n".encode() + o + b"\nendobj\n"
    x = len(out)
    out += f"xref\n0 {len(objs)+1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010} 00000 n \n".encode() for o in offs)
    out += f"trailer\n<< /Size {len(objs)+1} /Root 1 0 R >>\nstartxref\n{x}\n%%EOF\n".encode()
    return out


if __name__ == "__main__":
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    with open(sys.argv[1], "wb") as f:
        f.write(pdf(sys.argv[2], size))
