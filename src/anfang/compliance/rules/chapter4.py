"""Chapter 4 (第30–34条): maintenance and operation."""
