namespace CollapseLab.Curation;

/// <summary>A detector's flags and scores judged against the ledger: synthetic items are the positives.</summary>
public static class DetectorMeasures
{
    /// <summary>tpr, fpr and auc where they are defined (tpr and auc need a synthetic item, fpr and auc a real one).</summary>
    public static IEnumerable<(string Name, double Value)> Against(IReadOnlyList<int> origins, double[] scores, bool[] flagged)
    {
        if (origins.Count != scores.Length)
        {
            yield break;
        }
        var positives = origins.Count(o => o != CurationStage.RealOrigin);
        var negatives = origins.Count - positives;
        if (positives > 0)
        {
            yield return ("tpr", (double)Enumerable.Range(0, scores.Length).Count(i => flagged[i] && origins[i] != CurationStage.RealOrigin) / positives);
        }
        if (negatives > 0)
        {
            yield return ("fpr", (double)Enumerable.Range(0, scores.Length).Count(i => flagged[i] && origins[i] == CurationStage.RealOrigin) / negatives);
        }
        if (positives > 0 && negatives > 0)
        {
            yield return ("auc", Auc(origins, scores, positives, negatives));
        }
    }

    /// <summary>P(score of a synthetic item > score of a real one) + ½·P(tie): the Mann–Whitney statistic from mid-ranks.</summary>
    public static double Auc(IReadOnlyList<int> origins, double[] scores, int positives, int negatives)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        var rankSum = 0.0;
        for (var a = 0; a < order.Length;)
        {
            var b = a;
            while (b + 1 < order.Length && scores[order[b + 1]] == scores[order[a]])
            {
                b++;
            }
            var midRank = (a + b) / 2.0 + 1;
            for (var k = a; k <= b; k++)
            {
                rankSum += origins[order[k]] != CurationStage.RealOrigin ? midRank : 0;
            }
            a = b + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
