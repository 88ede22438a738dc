"""The store: deliveries loaded, models built by partition or addition, snapshots published."""
