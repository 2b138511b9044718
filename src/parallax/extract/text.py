from parallax.model import Document, Extracted


def extract_text(doc: Document) -> Extracted:
    return Extracted(text=doc.body)
