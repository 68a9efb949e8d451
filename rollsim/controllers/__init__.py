"""The controllers that move simulated objects, one module per upstream controller."""
