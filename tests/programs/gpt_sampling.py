"""A GPT-style sampling loop: topk filtering and multinomial, then sort/argsort/kthvalue.

Run as ``python gpt_sampling.py torch`` or ``... graphgrad``: the output must agree.
"""

import importlib
import sys

torch = importlib.import_module(sys.argv[1])
F = importlib.import_module(sys.argv[1] + ".nn.functional")
torch.manual_seed(1337)
V, C = 11, 8
emb = torch.nn.Embedding(V, C)
head = torch.nn.Linear(C, V)
idx = torch.zeros((2, 1), dtype=torch.long)
for _ in range(12):
    logits = head(emb(idx[:, -4:]).mean(1)) / 0.8
    v, _ = torch.topk(logits, min(5, logits.size(-1)))
    logits[logits < v[:, [-1]]] = -float("Inf")
    probs = F.softmax(logits, dim=-1)
    idx_next = torch.multinomial(probs, num_samples=1)
    idx = torch.cat((idx, idx_next), dim=1)
print(idx.tolist())
x = torch.randn(4, 5)
print(x.sort(dim=0).indices.tolist(), x.argsort(descending=True).tolist())
print(x.kthvalue(2, dim=1).values)
print(torch.sum(x, dim=1, keepdims=True).shape, x.new_ones(2).dtype, x[range(2)].shape)
