"""A sequence classifier on variable-length sequences: pad_sequence, pack_padded_sequence
(unsorted, enforce_sorted=False), a bidirectional 2-layer GRU, pad_packed_sequence, a mean over
the real steps plus the final states, cross-entropy, a few Adam steps, then evaluation.

Run as ``python packed_gru_classifier.py torch`` or ``... graphgrad``: the output must agree.
"""

import importlib
import sys

torch = importlib.import_module(sys.argv[1])
nn = importlib.import_module(sys.argv[1] + ".nn")
F = importlib.import_module(sys.argv[1] + ".nn.functional")
rnn = importlib.import_module(sys.argv[1] + ".nn.utils.rnn")
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def make_batch(n):
    """Label 1 when the first feature rises from the first step to the last."""
    lengths = torch.randint(2, 9, (n,)).tolist()
    seqs = [torch.randn(length, 3) for length in lengths]
    labels = torch.tensor([int(s[-1, 0] > s[0, 0]) for s in seqs])
    return seqs, lengths, labels


class Classifier(nn.Module):
    def __init__(self, hidden=10):
        super().__init__()
        self.gru = nn.GRU(3, hidden, num_layers=2, bidirectional=True, dropout=0.2)
        self.head = nn.Linear(4 * hidden, 2)

    def forward(self, seqs, lengths):
        padded = rnn.pad_sequence(seqs)
        packed = rnn.pack_padded_sequence(padded, lengths, enforce_sorted=False)
        out, h = self.gru(packed)
        steps, lens = rnn.pad_packed_sequence(out, batch_first=True)
        mean = steps.sum(1) / lens.unsqueeze(1)
        last = torch.cat([h[-2], h[-1]], 1)
        return self.head(torch.cat([mean, last], 1))


model = Classifier()
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.03)
for step in range(12):
    seqs, lengths, labels = make_batch(16)
    logits = model(seqs, lengths)
    loss = F.cross_entropy(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    accuracy = (logits.argmax(1) == labels).double().mean().item()
    print(f"step {step:2d} loss {loss.item():.6f} acc {accuracy:.3f}")
model.eval()
seqs, lengths, labels = make_batch(64)
with torch.no_grad():
    logits = model(seqs, lengths)
print("eval acc", (logits.argmax(1) == labels).double().mean().item())
print("first logits", [round(v, 6) for v in logits[0].tolist()])
print("grad of bias_hh_l1_reverse", f"{model.gru.bias_hh_l1_reverse.grad.abs().sum().item():.8f}")
packed = rnn.pack_sequence([torch.ones(3, 2), torch.ones(1, 2), torch.ones(2, 2)], False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
print([tuple(s.shape) for s in rnn.unpack_sequence(packed)])
