package org.noisylabels.train;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.noisylabels.NoisyLabelsException;

public class ScheduleTest {

	@Test
	public void stepMultistepConstant() {
		final Schedule step = new Schedule(Schedule.Type.STEP, 0.01, 0.1, 2500, null, 1, 0);
		assertEquals(0.01, step.lr(0), 1e-15);
		assertEquals(0.01, step.lr(2499), 1e-15);
		assertEquals(0.001, step.lr(2500), 1e-15);
		assertEquals(0.0001, step.lr(5999), 1e-15);
		final Schedule multi = new Schedule(Schedule.Type.MULTISTEP, 1, 0.5, 1, Schedule.parseMilestones("300, 100"), 1, 0);
		assertEquals(1, multi.lr(99), 0);
		assertEquals(0.5, multi.lr(100), 0);
		assertEquals(0.25, multi.lr(300), 0);
		assertEquals(0.25, multi.lr(100000), 0);
		assertEquals(0.003, Schedule.constant(0.003).lr(12345), 0);
	}

	@Test
	public void plateauDropsAfterPatienceValidationsWithoutGain() {
		final Schedule p = new Schedule(Schedule.Type.PLATEAU, 0.1, 0.5, 1, null, 2, 0.01);
		p.validated(0.5);
		p.validated(0.6);
		assertEquals(0.1, p.lr(10), 1e-12);
		p.validated(0.6); // no gain 1
		assertEquals(0.1, p.lr(10), 1e-12);
		p.validated(0.59); // no gain 2 -> drop
		assertEquals(0.05, p.lr(10), 1e-12);
		p.validated(0.7);
		p.validated(0.7);
		p.validated(0.7);
		assertEquals(0.025, p.lr(10), 1e-12);
		for (int i = 0; i < 20; i++) p.validated(0.1);
		assertEquals(0.01, p.lr(10), 1e-12); // floor
	}

	@Test(expected = NoisyLabelsException.class)
	public void badMilestones() {
		Schedule.parseMilestones("100,abc");
	}

	@Test
	public void parseNames() {
		assertEquals(Schedule.Type.MULTISTEP, Schedule.Type.parse("Multi-Step"));
		assertEquals(Optimizer.Type.SGD, Optimizer.Type.parse("sgd"));
	}
}
