"""The evaluation made visible: transfer heatmaps, sample grids, training curves, tables and reports/report.md."""
