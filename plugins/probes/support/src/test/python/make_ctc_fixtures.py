"""Reference CTC losses and gradients from PyTorch, for CtcLossTest.

Run with Debian's python3-torch: /usr/bin/python3 make_ctc_fixtures.py
Writes ../resources/ctc/reference.json: per case, the logits (B x T x C, before log-softmax), input lengths,
targets, each utterance's negative log-likelihood and the gradient of their sum with respect to the logits.
"""
import json
import os

import torch

torch.manual_seed(20261127)


def case(name, batch, frames, classes, input_lengths, target_lengths, repeats=False):
    logits = torch.randn(batch, frames, classes, dtype=torch.float64, requires_grad=True)
    targets = []
    for length in target_lengths:
        t = torch.randint(1, classes, (length,)).tolist()
        if repeats and length >= 2:
            t[1] = t[0]  # a repeated label needs a blank between the two in every path
        targets.append(t)
    flat = torch.tensor([x for t in targets for x in t], dtype=torch.long)
    log_probs = torch.log_softmax(logits, dim=2).transpose(0, 1)  # T x B x C
    losses = torch.nn.functional.ctc_loss(log_probs, flat, torch.tensor(input_lengths),
                                          torch.tensor(target_lengths), blank=0, reduction="none")
    losses.sum().backward()
    return {
        "name": name, "batch": batch, "frames": frames, "classes": classes,
        "logits": logits.detach().flatten().tolist(), "input_lengths": input_lengths, "targets": targets,
        "losses": losses.detach().tolist(), "grad": logits.grad.flatten().tolist(),
    }


cases = [
    case("variable lengths", 3, 12, 6, [12, 9, 7], [4, 3, 2]),
    case("repeated labels", 2, 10, 5, [10, 8], [3, 4], repeats=True),
    case("one frame per label", 1, 5, 4, [5], [3]),
    case("wide vocabulary", 2, 30, 32, [30, 21], [10, 6]),
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "ctc", "reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print("wrote", out)
