"""What the review history says: metrics, weakness rankings, calibration; and the report formats."""
