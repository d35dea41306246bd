using CollapseLab.Tensors.Models;

namespace CollapseLab.Families.Transformer;

/// <summary>
/// One thread's key/value caches for single-sequence decoding: a few decoder states, each holding the cache after
/// (boundary, t₁, …, t_k) and the next-token logits there. A request for a history continues the state whose tokens
/// are its longest prefix, feeding the missing tokens in one batched pass — each position's arithmetic is the same
/// however the tokens are batched, so a hit only saves time. With <c>branching</c> (beam search, where several continuations share a prefix) the prefix state is copied
/// before it is extended; otherwise it is extended in place.
/// </summary>
internal sealed class DecoderCache
{
    private readonly int _boundary;
    private readonly int _capacity;
    private readonly bool _branching;
    private readonly List<State> _states = [];
    private long _clock;

    public DecoderCache(ICausalLm network, int boundary, int capacity, bool branching)
    {
        Network = network;
        _boundary = boundary;
        _capacity = Math.Max(1, capacity);
        _branching = branching;
    }

    public ICausalLm Network { get; }

    /// <summary>Logits (V) of the token after <paramref name="history"/> (read after the boundary); valid until the next call.</summary>
    public float[] Logits(ReadOnlySpan<int> history)
    {
        if (history.Length + 1 > Network.Context)
        {
            throw new ArgumentException($"a history of {history.Length} tokens plus the boundary exceeds the context of {Network.Context}");
        }
        State? best = null;
        foreach (var s in _states)
        {
            if (s.Started && s.Tokens.Count <= history.Length && (best is null || s.Tokens.Count > best.Tokens.Count)
                && history[..s.Tokens.Count].SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(s.Tokens)))
            {
                best = s;
            }
        }
        State target;
        if (best is not null && best.Tokens.Count == history.Length)
        {
            target = best;
        }
        else if (best is null)
        {
            target = Victim(null);
            target.Sampler.Reset();
            target.Tokens.Clear();
            target.Started = true;
        }
        else if (_branching)
        {
            target = Victim(best);
            target.Sampler.CopyFrom(best.Sampler);
            target.Tokens.Clear();
            target.Tokens.AddRange(best.Tokens);
            best.Logits.CopyTo(target.Logits, 0);
            target.Started = true;
        }
        else
        {
            target = best;
        }
        Feed(target, history[target.Tokens.Count..]);
        target.Used = ++_clock;
        return target.Logits;
    }

    /// <summary>Appends tokens (after the boundary when the state is fresh) in one batched pass.</summary>
    private void Feed(State state, ReadOnlySpan<int> tokens)
    {
        var fresh = state.Sampler.Position == 0;
        var length = tokens.Length + (fresh ? 1 : 0);
        if (length == 0)
        {
            return;
        }
        var feed = new int[length];
        if (fresh)
        {
            feed[0] = _boundary;
        }
        tokens.CopyTo(feed.AsSpan(length - tokens.Length));
        state.Sampler.Feed(feed, length).Data.CopyTo(state.Logits);
        state.Tokens.AddRange(tokens);
    }

    /// <summary>A new state while below capacity, else the least recently used one other than <paramref name="keep"/>.</summary>
    private State Victim(State? keep)
    {
        if (_states.Count < _capacity || (_states.Count == 1 && keep is not null))
        {
            var s = new State(Network.Decoder(1), new float[Network.Vocab]);
            _states.Add(s);
            return s;
        }
        State? victim = null;
        foreach (var s in _states)
        {
            if (!ReferenceEquals(s, keep) && (victim is null || s.Used < victim.Used))
            {
                victim = s;
            }
        }
        victim!.Started = false;
        return victim;
    }

    private sealed class State(IIncrementalDecoder sampler, float[] logits)
    {
        public IIncrementalDecoder Sampler { get; } = sampler;

        public float[] Logits { get; } = logits;

        public List<int> Tokens { get; } = [];

        public bool Started { get; set; }

        public long Used { get; set; }
    }
}
