"""Privacy: small-cell and complementary suppression, and `for_audience`, the one gate to people."""

from monitor.privacy.suppress import apply_min_n, complementary, for_audience

__all__ = ["apply_min_n", "complementary", "for_audience"]
