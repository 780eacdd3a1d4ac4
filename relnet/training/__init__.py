"""Training: `TrainConfig` → explicit loop → a self-contained model folder with its reports."""
