package org.noisylabels.loss;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;
import org.noisylabels.NoisyLabelsException;

public class LossTypeTest {

	@Test
	public void parsesUserNamesCaseInsensitively() {
		assertEquals(LossType.CE, LossType.parse("CE"));
		assertEquals(LossType.CE, LossType.parse(" ce "));
		assertEquals(LossType.DICE, LossType.parse("Dice"));
		assertEquals(LossType.GCE, LossType.parse("gce"));
		assertEquals(LossType.MAE, LossType.parse("MAE"));
		assertEquals(LossType.NRDICE, LossType.parse("NRDice"));
		assertEquals(LossType.NRDICE, LossType.parse("nr-dice"));
		assertEquals(LossType.SLSR, LossType.parse("slsr"));
		assertEquals(LossType.MSE, LossType.parse("Mse"));
		assertEquals(LossType.DMI, LossType.parse("DMI"));
		assertEquals(LossType.SOFT_IOU, LossType.parse("SoftIoU"));
		assertEquals(LossType.SOFT_IOU, LossType.parse("soft IoU"));
		assertEquals(LossType.SOFT_IOU, LossType.parse("SOFT_IOU"));
		for (final LossType t : LossType.values())
			assertEquals(t, LossType.parse(t.userName()));
	}

	@Test
	public void unknownNamesListTheValidOnes() {
		for (final String s : new String[] { "focal", "", null, "C E X" }) {
			try {
				LossType.parse(s);
				fail("parsed " + s);
			}
			catch (final NoisyLabelsException e) {
				assertTrue(e.getMessage(), e.getMessage().contains(
					"CE, Dice, GCE, MAE, NRDice, SLSR, MSE, DMI, SoftIoU"));
				assertFalse(e.getMessage().contains("\n"));
			}
		}
	}

	@Test
	public void namesAndKinds() {
		assertArrayEquals(new String[] { "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE", "DMI", "SoftIoU" },
			LossType.userNames());
		assertTrue(LossType.DMI.isBinaryOnly());
		assertTrue(LossType.SOFT_IOU.isBinaryOnly());
		assertFalse(LossType.DICE.isBinaryOnly());
		assertTrue(LossType.SLSR.isPixelwise());
		assertFalse(LossType.NRDICE.isPixelwise());
		final LossParams d = new LossParams();
		assertEquals(0.5, d.q, 0);
		assertEquals(1.5, d.gamma, 0);
		assertEquals(0.25, d.epsilon, 0);
	}
}
