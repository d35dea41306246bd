using CollapseLab.Families.Diffusion;

namespace CollapseLab.Tests.Families.Diffusion;

public class NoiseScheduleTests
{
    [Fact]
    public void Linear_schedule_at_1000_steps_is_ho_et_al()
    {
        var s = NoiseSchedule.Create("linear", 1000);
        Assert.Equal(1e-4, s.Beta[0], 12);
        Assert.Equal(0.02, s.Beta[^1], 12);
        // ᾱ_T = Π(1 − β_t) ≈ 4.0e-5 for Ho et al.'s schedule
        Assert.InRange(s.AlphaBar[^1], 3e-5, 5e-5);
    }

    [Fact]
    public void Cosine_schedule_follows_the_closed_form_alpha_bar()
    {
        const int T = 200;
        var s = NoiseSchedule.Create("cosine", T);
        static double F(double u) => Math.Pow(Math.Cos((u + 0.008) / 1.008 * Math.PI / 2), 2);
        for (var t = 0; t < T - 1; t++)
        {
            // away from the clipped last step, ᾱ_t = f((t+1)/T)/f(0)
            Assert.Equal(F((t + 1.0) / T) / F(0), s.AlphaBar[t], 9);
        }

        Assert.True(s.Beta.All(b => b is > 0 and <= 0.999));
    }

    [Theory]
    [InlineData("linear", 1)]
    [InlineData("linear", 25)]
    [InlineData("cosine", 1)]
    [InlineData("cosine", 25)]
    public void Alpha_bar_falls_from_near_one(string kind, int steps)
    {
        var s = NoiseSchedule.Create(kind, steps);
        Assert.Equal(steps, s.Steps);
        for (var t = 1; t < steps; t++)
        {
            Assert.True(s.AlphaBar[t] < s.AlphaBar[t - 1]);
        }

        Assert.Equal(1, s.AlphaBarBefore(0));
    }

    [Fact]
    public void Ddim_takes_evenly_spaced_steps_ending_at_zero()
    {
        Assert.Equal([8, 6, 4, 2, 0], new SamplerSettings("ddim", 5, 1).Timesteps(10));
        Assert.Equal([3, 2, 1, 0], new SamplerSettings("ancestral", 4, 1).Timesteps(4));
    }
}
