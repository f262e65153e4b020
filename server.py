"""The dashboard's server: Streamlit running app.py, with its static bundles served compressed from
memory and a page's bundles preloaded (monitor.dashboard.assets), and the first visit's work done while
it starts (monitor.dashboard.warmup). `monitor serve` runs this file;
`streamlit run server.py` does the same by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from monitor.dashboard import warmup
from monitor.dashboard.assets import StaticAssets

# The page's script and the file-serving threads share one interpreter lock: with Python's default
# 5 ms switch interval a thread waiting to send a file waits behind the script for every chunk. A
# shorter interval lets the server answer while a script runs (measured in bench/README.md).
sys.setswitchinterval(0.001)

# The first visit after a start reads from memory like every later one (monitor.dashboard.warmup).
warmup.start()

app = st.App(Path(__file__).resolve().parent / "app.py", middleware=[Middleware(StaticAssets)])
