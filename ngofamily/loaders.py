"""Loaders of the region's real data files into the NGO catalogue (run by load_region_data)."""

LOADERS = []
