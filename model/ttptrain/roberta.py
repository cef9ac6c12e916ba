"""A RoBERTa encoder with a sequence-classification head, in plain torch.

Module and parameter names follow Hugging Face's RobertaForSequenceClassification
(roberta.embeddings.word_embeddings.weight, roberta.encoder.layer.0.attention.self.query.weight,
classifier.dense.weight, classifier.out_proj.weight, ...), so a state dict saved from this model
loads into transformers and LoRA tooling recognises the projection names.
"""
import math
from dataclasses import dataclass, asdict

import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class RobertaConfig:
    vocab_size: int = 8000
    hidden_size: int = 128
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 512
    max_position_embeddings: int = 130  # max_len + 2 (RoBERTa position offset)
    num_labels: int = 4
    pad_token_id: int = 1
    bos_token_id: int = 0
    eos_token_id: int = 2
    type_vocab_size: int = 1
    layer_norm_eps: float = 1e-5
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    initializer_range: float = 0.02

    def to_dict(self):
        return asdict(self)


def position_ids_from_input_ids(input_ids, pad_id):
    """RoBERTa positions: pad tokens get pad_id, real tokens pad_id+1, pad_id+2, ..."""
    mask = input_ids.ne(pad_id).int()
    incremental = torch.cumsum(mask, dim=1).type_as(mask) * mask
    return incremental.long() + pad_id


class RobertaEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.pad_id = cfg.pad_token_id
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.hidden_size, padding_idx=cfg.pad_token_id)
        self.position_embeddings = nn.Embedding(cfg.max_position_embeddings, cfg.hidden_size, padding_idx=cfg.pad_token_id)
        self.token_type_embeddings = nn.Embedding(cfg.type_vocab_size, cfg.hidden_size)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, input_ids):
        pos = position_ids_from_input_ids(input_ids, self.pad_id)
        tt = torch.zeros_like(input_ids)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(tt) + self.position_embeddings(pos)
        return self.dropout(self.LayerNorm(x))


class RobertaSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg.hidden_size % cfg.num_attention_heads:
            raise ValueError(f"hidden size {cfg.hidden_size} is not a multiple of {cfg.num_attention_heads} heads")
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.query = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.key = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.value = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.attention_probs_dropout_prob)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, ext_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + ext_mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class RobertaSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, h, residual):
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class RobertaAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = RobertaSelfAttention(cfg)
        self.output = RobertaSelfOutput(cfg)

    def forward(self, x, ext_mask):
        return self.output(self.self(x, ext_mask), x)


class RobertaIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))


class RobertaOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg.intermediate_size, cfg.hidden_size)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, h, residual):
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class RobertaLayer(nn.Module):
    """Post-LN transformer layer: x = LN(x + Attn(x)); x = LN(x + FFN(x))."""

    def __init__(self, cfg):
        super().__init__()
        self.attention = RobertaAttention(cfg)
        self.intermediate = RobertaIntermediate(cfg)
        self.output = RobertaOutput(cfg)

    def forward(self, x, ext_mask):
        a = self.attention(x, ext_mask)
        return self.output(self.intermediate(a), a)


class RobertaEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([RobertaLayer(cfg) for _ in range(cfg.num_hidden_layers)])

    def forward(self, x, ext_mask):
        for layer in self.layer:
            x = layer(x, ext_mask)
        return x


class RobertaModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = RobertaEmbeddings(cfg)
        self.encoder = RobertaEncoder(cfg)

    def forward(self, input_ids, attention_mask):
        x = self.embeddings(input_ids)
        m = attention_mask[:, None, None, :].to(x.dtype)
        ext = (1.0 - m) * torch.finfo(x.dtype).min
        return self.encoder(x, ext)


class RobertaClassificationHead(nn.Module):
    """dense + tanh + out_proj on the <s> token, as transformers' RobertaClassificationHead."""

    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)
        self.out_proj = nn.Linear(cfg.hidden_size, cfg.num_labels)

    def forward(self, features):
        x = self.dropout(features[:, 0, :])
        x = torch.tanh(self.dense(x))
        return self.out_proj(self.dropout(x))


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.roberta = RobertaModel(cfg)
        self.classifier = RobertaClassificationHead(cfg)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        std = self.config.initializer_range
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=std)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=std)
            if m.padding_idx is not None:
                with torch.no_grad():
                    m.weight[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask):
        return self.classifier(self.roberta(input_ids, attention_mask))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
