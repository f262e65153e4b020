"""Synthetic survey answers and the export files real tools would make of them (demo data, fixtures, bench)."""

from monitor.ingest.synth.answers import Synth, reference_territories, synth_answers, synth_survey

__all__ = ["Synth", "reference_territories", "synth_answers", "synth_survey"]
