// 回执: the drop zone. Files, folders (DataTransfer entries or the folder picker) and zips are uploaded in
// requests within the server's limits (files and bytes per request), then started as one parse batch.
(function () {
  "use strict";
  var form = document.getElementById("returns-upload");
  if (!form) return;
  var zone = document.getElementById("dropzone");
  var status = document.getElementById("drop-status");
  var bar = document.getElementById("upload-progress");
  var refusedList = document.getElementById("drop-refused");
  var start = document.getElementById("returns-start");
  var token = form.querySelector("input[name=csrf_token]").value;
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var maxBytes = parseInt(form.dataset.maxRequestBytes, 10);
  var maxFileBytes = parseInt(form.dataset.maxFileBytes, 10);
  var busy = false;

  function say(text) { status.textContent = text; }

  function refuse(name, message) {
    var li = document.createElement("li");
    li.textContent = message.indexOf(name) === 0 ? message : name + "：" + message;
    refusedList.appendChild(li);
  }

  // every file under a dropped folder (entries are read in pages of ~100 by the browser)
  function readEntry(entry, path, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) { out.push(f); resolve(); }, function () { resolve(); });
        return;
      }
      var reader = entry.createReader();
      var all = [];
      (function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            Promise.all(all.map(function (e) { return readEntry(e, path + entry.name + "/", out); })).then(resolve);
            return;
          }
          all = all.concat(Array.prototype.slice.call(batch));
          more();
        }, function () { resolve(); });
      })();
    });
  }

  function droppedFiles(dt) {
    var items = dt.items ? Array.prototype.slice.call(dt.items) : [];
    var entries = items.map(function (i) { return i.webkitGetAsEntry ? i.webkitGetAsEntry() : null; });
    if (!entries.length || entries.some(function (e) { return !e; })) {
      return Promise.resolve(Array.prototype.slice.call(dt.files));
    }
    var out = [];
    return Promise.all(entries.map(function (e) { return readEntry(e, "", out); })).then(function () { return out; });
  }

  function skipped(name) {        // hidden files and Word's lock files inside folders
    var base = name.split("/").pop();
    return base.charAt(0) === "." || base.indexOf("~$") === 0;
  }

  // requests of at most maxFiles files and maxBytes bytes
  function chunks(list) {
    var out = [], cur = [], size = 0;
    list.forEach(function (f) {
      if (cur.length && (cur.length >= maxFiles || size + f.size > maxBytes * 0.95)) {
        out.push(cur); cur = []; size = 0;
      }
      cur.push(f); size += f.size;
    });
    if (cur.length) out.push(cur);
    return out;
  }

  function send(chunk) {
    var body = new FormData();
    body.append("csrf_token", token);
    chunk.forEach(function (f) { body.append("files", f, f.name); });
    return fetch("/files/upload", {method: "POST", body: body, credentials: "same-origin",
                                   headers: {"Accept": "application/json", "X-CSRF-Token": token}})
      .then(function (r) {
        if (r.headers.get("content-type").indexOf("application/json") === 0) return r.json();
        return {stored: [], refused: chunk.map(function (f) { return {name: f.name, message: "上传被拒绝（" + r.status + "）"}; })};
      });
  }

  function upload(list) {
    if (busy) return;
    list = list.filter(function (f) { return !skipped(f.webkitRelativePath || f.name); });
    refusedList.textContent = "";
    var big = list.filter(function (f) { return f.size > maxFileBytes; });
    big.forEach(function (f) { refuse(f.name, "文件超过单个文件的大小上限，未上传"); });
    list = list.filter(function (f) { return f.size <= maxFileBytes; });
    if (!list.length) { say("没有可上传的文件。"); return; }
    busy = true;
    var ids = [], done = 0, parts = chunks(list);
    bar.hidden = false; bar.max = list.length; bar.value = 0;
    say("正在上传 " + list.length + " 个文件…");
    parts.reduce(function (p, chunk) {
      return p.then(function () { return send(chunk); }).then(function (answer) {
        answer.stored.forEach(function (f) { ids.push(f.id); });
        answer.refused.forEach(function (r) { refuse(r.name, r.message); });
        done += chunk.length; bar.value = done;
        say("已上传 " + done + " / " + list.length + " 个文件…");
      });
    }, Promise.resolve()).then(function () {
      if (!ids.length) { busy = false; say("没有文件被接收，未开始解析。"); return; }
      say("上传完成，开始解析 " + ids.length + " 个文件…");
      ids.forEach(function (id) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "file_id"; input.value = id;
        start.appendChild(input);
      });
      start.submit();
    }).catch(function () { busy = false; say("上传中断，请检查网络后重试。"); });
  }

  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    droppedFiles(e.dataTransfer).then(upload);
  });
  zone.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); document.getElementById("pick-files").click(); }
  });
  ["pick-files", "pick-folder"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function (e) {
      upload(Array.prototype.slice.call(e.target.files));
    });
  });
})();
