"""Reading guides and Key Publications: ordered, annotated lists of library resources."""
