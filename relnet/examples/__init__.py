"""Documents → candidate chemical–gene pairs → labelled `Example`s (pairing, labels, sampling)."""
