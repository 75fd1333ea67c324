"""Call Details v1 and v2: conversation rows as the vendor serves them."""
