package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/** model.json's reader and writer (Gson underneath): the values the model files hold, and malformed text. */
public class JsonTest {

	@Test
	public void roundTripOfModelValues() {
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("name", "a \"quoted\"\tname");
		m.put("whole", 42.0);
		m.put("ratio", 0.85);
		m.put("seed", 7L);
		m.put("nan", Double.NaN);
		m.put("flag", true);
		m.put("none", null);
		m.put("list", Arrays.asList(1, 2.5, "x"));
		m.put("ints", new int[] { 3, 4 });
		final String text = Json.write(m);
		assertTrue(text, text.contains("\"whole\": 42,"));
		assertTrue(text, text.contains("\"ratio\": 0.85,"));
		assertTrue(text, text.contains("\"nan\": null,"));
		assertTrue(text.endsWith("}\n"));
		final Map<?, ?> back = (Map<?, ?>) Json.parse(text);
		assertEquals("a \"quoted\"\tname", back.get("name"));
		assertEquals(42.0, (Double) back.get("whole"), 0);
		assertEquals(0.85, (Double) back.get("ratio"), 0);
		assertEquals(7.0, (Double) back.get("seed"), 0);
		assertNull(back.get("nan"));
		assertTrue(back.containsKey("none"));
		assertEquals(Boolean.TRUE, back.get("flag"));
		assertEquals(Arrays.asList(1.0, 2.5, "x"), back.get("list"));
		assertEquals(Arrays.asList(3.0, 4.0), (List<?>) back.get("ints"));
		assertEquals("key order is kept", Arrays.asList(m.keySet().toArray()), Arrays.asList(back.keySet().toArray()));
	}

	@Test
	public void malformedTextIsRefused() {
		for (final String bad : new String[] { "{\"a\": 1", "{\"a\": 1} trailing", "{a: 1}", "{\"a\": 'x'}", "",
			"[1, 2,]" })
		{
			try {
				Json.parse(bad);
				fail("accepted: " + bad);
			}
			catch (final IllegalArgumentException e) {
				assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
			}
		}
	}
}
