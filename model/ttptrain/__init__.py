"""Training and export of ttpscope's RoBERTa-style sequence classifier (plain torch)."""
