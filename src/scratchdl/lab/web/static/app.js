// The drawing page of `scratchdl serve`: draw on #pad, POST the canvas as PNG to /predict
// (at most one request in flight, at most one every THROTTLE_MS, the last drawing always
// sent), and show the answer as ten bars, the top class large and the 28x28 model input.
"use strict";

(() => {
  const THROTTLE_MS = 150;
  const LINE_WIDTH = 24; // about MNIST's stroke once scaled to 20x20
  const pad = document.getElementById("pad");
  const ctx = pad.getContext("2d");
  const seen = document.getElementById("seen").getContext("2d");
  const predictionEl = document.getElementById("prediction");
  const confidenceEl = document.getElementById("confidence");
  const statusEl = document.getElementById("status");
  const rows = makeBars(document.getElementById("bars"));

  let drawing = false;
  let hasInk = false;
  let lastPoint = null;
  let dirty = false; // the drawing changed since the last request
  let inFlight = false;
  let timer = null;
  let lastSent = 0;
  let generation = 0; // bumped by Clear, so late answers for an old drawing are dropped
  let answers = 0;

  function makeBars(list) {
    const made = [];
    for (let k = 0; k < 10; k += 1) {
      const li = document.createElement("li");
      li.className = "bar";
      li.dataset.digit = String(k);
      li.innerHTML =
        '<span class="digit"></span><span class="track"><span class="fill"></span></span>' +
        '<span class="value">0.0%</span>';
      li.querySelector(".digit").textContent = String(k);
      list.appendChild(li);
      made.push(li);
    }
    return made;
  }

  function resetPad() {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, pad.width, pad.height);
    seen.fillStyle = "#000";
    seen.fillRect(0, 0, 28, 28);
    hasInk = false;
  }

  function pointAt(event) {
    const r = pad.getBoundingClientRect();
    return {
      x: ((event.clientX - r.left) * pad.width) / r.width,
      y: ((event.clientY - r.top) * pad.height) / r.height,
    };
  }

  function strokeTo(point) {
    ctx.fillStyle = "#fff";
    ctx.beginPath(); // a round dot, so a single click leaves a mark too
    ctx.arc(point.x, point.y, LINE_WIDTH / 2, 0, 2 * Math.PI);
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = LINE_WIDTH;
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(lastPoint.x, lastPoint.y);
    ctx.lineTo(point.x, point.y);
    ctx.stroke();
    lastPoint = point;
    hasInk = true;
    dirty = true;
    pump();
  }

  function pump() {
    if (dirty && hasInk && !inFlight && timer === null) {
      const wait = Math.max(0, lastSent + THROTTLE_MS - Date.now());
      timer = setTimeout(() => {
        timer = null;
        send();
      }, wait);
    }
    // "1" while a prediction is due or running (tests wait for "0")
    document.body.dataset.busy = dirty || inFlight || timer !== null ? "1" : "0";
  }

  async function send() {
    dirty = false;
    inFlight = true;
    lastSent = Date.now();
    const mine = generation;
    try {
      const response = await fetch("predict", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ image: pad.toDataURL("image/png") }),
      });
      const answer = await response.json();
      if (mine !== generation) return;
      if (response.ok) render(answer);
      else showStatus(answer.error || `error ${response.status}`, true);
    } catch (err) {
      if (mine === generation) showStatus(`cannot reach the server (${err.message})`, true);
    } finally {
      inFlight = false;
      pump();
    }
  }

  function render(answer) {
    const p = answer.probabilities;
    rows.forEach((row, k) => {
      const share = Math.min(Math.max(p[k], 0), 1);
      row.querySelector(".fill").style.width = `${(share * 100).toFixed(1)}%`;
      row.querySelector(".value").textContent = `${(p[k] * 100).toFixed(1)}%`;
      row.classList.toggle("top", k === answer.prediction);
    });
    predictionEl.textContent = String(answer.prediction);
    confidenceEl.textContent = `${(p[answer.prediction] * 100).toFixed(1)}% sure`;
    if (answer.input) drawInput(answer.input);
    answers += 1;
    document.body.dataset.answers = String(answers);
    showStatus("", false);
  }

  function drawInput(values) {
    const image = seen.createImageData(28, 28);
    values.forEach((v, i) => {
      const g = Math.round(Math.min(Math.max(v, 0), 1) * 255);
      image.data.set([g, g, g, 255], i * 4);
    });
    seen.putImageData(image, 0, 0);
  }

  function clearAll() {
    generation += 1;
    dirty = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    resetPad();
    rows.forEach((row) => {
      row.querySelector(".fill").style.width = "0";
      row.querySelector(".value").textContent = "0.0%";
      row.classList.remove("top");
    });
    predictionEl.textContent = "–";
    confidenceEl.textContent = "";
    showStatus("", false);
    pump();
  }

  function showStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", isError);
  }

  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    lastPoint = pointAt(event);
    strokeTo(lastPoint);
  });
  pad.addEventListener("pointermove", (event) => {
    if (drawing) strokeTo(pointAt(event));
  });
  const stop = () => {
    drawing = false;
  };
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  document.getElementById("clear").addEventListener("click", clearAll);

  resetPad();
})();
