"""The evaluation of an event: its questions, the participants' answers (once, anonymous unless they agree) and
the results for organisers."""
