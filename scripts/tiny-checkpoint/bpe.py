"""A tiny byte-level BPE tokenizer (GPT-2 style), trained on corpus.txt and written as a Hugging Face
tokenizer.json. Also encodes text on its own, so the TypeScript tests can check
@huggingface/tokenizers against ids computed here. Pre-tokenization uses GPT-2's pattern with ASCII
letter/digit classes: identical to the real pattern on the ASCII strings we encode."""
import re

# GPT-2's pattern, \p{L} -> [A-Za-z], \p{N} -> [0-9].
PRETOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable unicode characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_CHARS = bytes_to_unicode()


def words(text):
    return ["".join(BYTE_CHARS[b] for b in piece.encode("utf-8")) for piece in PRETOKENIZE.findall(text)]


def train(text, num_merges):
    """Greedy BPE: repeatedly merge the most frequent adjacent pair (ties: the smaller pair)."""
    freq = {}
    for w in words(text):
        freq[w] = freq.get(w, 0) + 1
    splits = {w: list(w) for w in freq}
    merges = []
    for _ in range(num_merges):
        pairs = {}
        for w, parts in splits.items():
            for a, b in zip(parts, parts[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + freq[w]
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        for w, parts in splits.items():
            out, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == best:
                    out.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            splits[w] = out
    return merges


def build_vocab(merges):
    vocab = {BYTE_CHARS[b]: b for b in range(256)}
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return vocab


def encode(text, vocab, merges):
    """Ids for `text` (no special tokens), merging the lowest-ranked pair first as HF's BPE does."""
    ranks = {m: i for i, m in enumerate(merges)}
    ids = []
    for w in words(text):
        parts = list(w)
        while len(parts) > 1:
            cands = [(ranks[(a, b)], i) for i, (a, b) in enumerate(zip(parts, parts[1:])) if (a, b) in ranks]
            if not cands:
                break
            _, i = min(cands)
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2 :]
        ids.extend(vocab[p] for p in parts)
    return ids


def tokenizer_json(vocab, merges):
    added = [
        {"id": len(vocab) + i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        for i, t in enumerate(SPECIAL_TOKENS)
    ]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {**byte_level, "trim_offsets": False},
        "decoder": byte_level,
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [[a, b] for a, b in merges],
        },
    }


CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def tokenizer_config_json(vocab):
    base = len(vocab)
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": {
            str(base + i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True}
            for i, t in enumerate(SPECIAL_TOKENS)
        },
        "bos_token": "<|endoftext|>",
        "eos_token": "<|im_end|>",
        "pad_token": "<|pad|>",
        "unk_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 256,
        "tokenizer_class": "GPT2Tokenizer",
    }
