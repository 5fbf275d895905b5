<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ExportDialog</name>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>拟合</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Gradient norms</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Whole window</source>
        <translation>整个窗口</translation>
    </message>
    <message>
        <source>safetensors (PyTorch, default)</source>
        <translation>safetensors（PyTorch，默认）</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Files of the same name in this folder are replaced; the folder is made if needed.</source>
        <translation>此文件夹中的同名文件会被替换；文件夹不存在时会自动创建。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>Plots</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>96 dpi draws the plots at screen scale; 192 dpi draws the same layout twice as fine.</source>
        <translation>96 dpi 按屏幕比例绘制图表；192 dpi 以相同布局绘制，精细一倍。</translation>
    </message>
    <message>
        <source>PNG</source>
        <translation>PNG</translation>
    </message>
    <message>
        <source>SVG (vector: curves stay sharp at any zoom)</source>
        <translation>SVG（矢量图：任意缩放曲线都清晰）</translation>
    </message>
    <message>
        <source>Loss and parameter history (history.csv)</source>
        <translation>损失与参数历史（history.csv）</translation>
    </message>
    <message>
        <source>Session file (session.json: reopens this run where it stopped)</source>
        <translation>会话文件（session.json：从停下处重新打开本次运行）</translation>
    </message>
    <message>
        <source>README.md of the settings and the files</source>
        <translation>README.md（记录设置与导出的文件）</translation>
    </message>
    <message>
        <source>Everything: a run folder</source>
        <translation>全部：完整的运行文件夹</translation>
    </message>
    <message>
        <source>Check every item</source>
        <translation>勾选所有项目</translation>
    </message>
    <message>
        <source>Export into folder</source>
        <translation>导出到文件夹</translation>
    </message>
</context>
<context>
    <name>FitPlot</name>
    <message>
        <source>Fit</source>
        <translation>拟合</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>true function</source>
        <translation>真实函数</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>loss ({0})</source>
        <translation>损失（{0}）</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>raw</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>smoothed</source>
        <translation>平滑后</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>Exponential moving average weight, debiased as in TensorBoard (0 = raw).</source>
        <translation>指数移动平均的权重，按 TensorBoard 的方式做偏差修正（0 = 不平滑）。</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis.</source>
        <translation>在对数坐标轴上显示损失。</translation>
    </message>
</context>
<context>
    <name>ParametersPlot</name>
    <message>
        <source>Weight norms</source>
        <translation>权重范数</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>‖W‖ (Frobenius norm)</source>
        <translation>‖W‖（F 范数）</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Gradient norms</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>‖∂loss/∂θ‖</source>
        <translation>‖∂损失/∂θ‖</translation>
    </message>
</context>
<context>
    <name>PlotExport</name>
    <message>
        <source>picture size {0}×{1} must be 1 to 20,000 pixels each way</source>
        <translation>图片尺寸 {0}×{1} 无效：宽和高都必须在 1 到 20,000 像素之间</translation>
    </message>
    <message>
        <source>DPI {0} must be from 24 to 1200</source>
        <translation>DPI {0} 必须在 24 到 1200 之间</translation>
    </message>
    <message>
        <source>Qt could not encode the PNG</source>
        <translation>Qt 无法编码 PNG</translation>
    </message>
    <message>
        <source>Drawn by GradStudio</source>
        <translation>由 GradStudio 绘制</translation>
    </message>
    <message>
        <source>plot</source>
        <translation>图</translation>
    </message>
    <message>
        <source>unknown picture format {0}; use .png or .svg</source>
        <translation>未知的图片格式 {0}；请使用 .png 或 .svg</translation>
    </message>
    <message>
        <source>(no suffix)</source>
        <translation>（无后缀）</translation>
    </message>
</context>
<context>
    <name>PlotItem</name>
    <message>
        <source>Plot Options</source>
        <translation>绘图选项</translation>
    </message>
    <message>
        <source>Transforms</source>
        <translation>变换</translation>
    </message>
    <message>
        <source>Downsample</source>
        <translation>降采样</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>透明度</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>数据点</translation>
    </message>
</context>
<context>
    <name>SessionFiles</name>
    <message>
        <source>Save As…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Save the session under a new name</source>
        <translation>以新名称保存会话</translation>
    </message>
    <message>
        <source>Load Weights…</source>
        <translation>加载权重…</translation>
    </message>
    <message>
        <source>Load trained weights (safetensors, .npz, JSON) into the current model</source>
        <translation>将训练好的权重（safetensors、.npz、JSON）加载到当前模型</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Save {0} plot as {1}…</source>
        <translation>将{0}图保存为 {1}…</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <source>{0} — {1}[*] — GradStudio</source>
        <translation>{0} — {1}[*] — GradStudio</translation>
    </message>
    <message>
        <source>{0}[*] — GradStudio</source>
        <translation>{0}[*] — GradStudio</translation>
    </message>
    <message>
        <source>“{0}” (trained to step {1}) has changes that are not saved.</source>
        <translation>“{0}”（已训练到第 {1} 步）有尚未保存的更改。</translation>
    </message>
    <message>
        <source>“{0}” has changes that are not saved.</source>
        <translation>“{0}”有尚未保存的更改。</translation>
    </message>
    <message>
        <source>Save them before quitting?</source>
        <translation>退出前要保存吗？</translation>
    </message>
    <message>
        <source>Save them before closing?</source>
        <translation>关闭前要保存吗？</translation>
    </message>
    <message>
        <source>Save them before opening another session?</source>
        <translation>打开其他会话前要保存吗？</translation>
    </message>
    <message>
        <source>Save changes?</source>
        <translation>保存更改？</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>GradStudio sessions</source>
        <translation>GradStudio 会话</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <source>Cannot open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>the settings are invalid</source>
        <translation>设置无效</translation>
    </message>
    <message>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <source>The settings have errors: fix the marked fields, then save.</source>
        <translation>设置有错误：请先修正标出的字段，再保存。</translation>
    </message>
    <message>
        <source>Saved the settings the run uses; the changed settings apply at the next Reset and are not in the file.</source>
        <translation>已保存本次运行所用的设置；修改过的设置在下次重置时才生效，不会写入文件。</translation>
    </message>
    <message>
        <source>Save session as</source>
        <translation>会话另存为</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>No recent sessions</source>
        <translation>没有最近的会话</translation>
    </message>
    <message>
        <source>Clear Menu</source>
        <translation>清空菜单</translation>
    </message>
    <message>
        <source>There is no model to load weights into: fix the marked fields first.</source>
        <translation>没有可加载权重的模型：请先修正标出的字段。</translation>
    </message>
    <message>
        <source>Load weights</source>
        <translation>加载权重</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Cannot load weights: {0}</source>
        <translation>无法加载权重：{0}</translation>
    </message>
    <message>
        <source>Loaded weights from {0}</source>
        <translation>已从 {0} 加载权重</translation>
    </message>
    <message>
        <source>There is nothing to export: fix the marked fields first.</source>
        <translation>没有可导出的内容：请先修正标出的字段。</translation>
    </message>
    <message>
        <source>{0}. Nothing was lost: files already there are unchanged.</source>
        <translation>{0}。没有丢失任何内容：已有的文件保持不变。</translation>
    </message>
    <message>
        <source>Exported 1 file to {1}</source>
        <translation>已导出 1 个文件到 {1}</translation>
    </message>
    <message>
        <source>Exported {0} files to {1}</source>
        <translation>已导出 {0} 个文件到 {1}</translation>
    </message>
    <message>
        <source>Export into this folder?</source>
        <translation>导出到此文件夹？</translation>
    </message>
    <message>
        <source>{0} holds other files and was not written by GradStudio. Files with the names of an export (README.md, history.csv, session.json, weights, plots) would be replaced.

Export into it anyway?</source>
        <translation>{0} 中有其他文件，且不是 GradStudio 写入的。与导出文件同名的文件（README.md、history.csv、session.json、权重、图表）将被替换。

仍要导出到该文件夹吗？</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>PNG 图片</translation>
    </message>
    <message>
        <source>SVG image</source>
        <translation>SVG 图片</translation>
    </message>
    <message>
        <source>Save the {0} plot</source>
        <translation>保存{0}图</translation>
    </message>
</context>
<context>
    <name>ViewBox</name>
    <message>
        <source>ViewBox options</source>
        <translation>视图选项</translation>
    </message>
    <message>
        <source>View All</source>
        <translation>查看全部</translation>
    </message>
    <message>
        <source>axis</source>
        <translation>轴</translation>
    </message>
    <message>
        <source>Mouse Mode</source>
        <translation>鼠标模式</translation>
    </message>
    <message>
        <source>3 button</source>
        <translation>三键模式</translation>
    </message>
    <message>
        <source>1 button</source>
        <translation>单键模式</translation>
    </message>
</context>
<context>
    <name>files</name>
    <message>
        <source>the safetensors package is not installed (pip install safetensors); .npz and JSON work without it</source>
        <translation>未安装 safetensors 包（pip install safetensors）；.npz 和 JSON 格式无需此包</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>{0}: unknown weights format {1}; use one of: {2}</source>
        <translation>{0}：未知的权重格式 {1}；请使用以下格式之一：{2}</translation>
    </message>
    <message>
        <source>(no suffix)</source>
        <translation>（无后缀）</translation>
    </message>
    <message>
        <source>parameter {0} holds NaN or Inf; there is nothing worth saving</source>
        <translation>参数 {0} 含有 NaN 或 Inf，没有值得保存的内容</translation>
    </message>
    <message>
        <source>{0}: there is no such file</source>
        <translation>{0}：文件不存在</translation>
    </message>
    <message>
        <source>{0}: not valid JSON ({1} at line {2}, column {3})</source>
        <translation>{0}：不是有效的 JSON（第 {2} 行第 {3} 列：{1}）</translation>
    </message>
    <message>
        <source>{0}: not a valid .npz file (damaged or cut short)</source>
        <translation>{0}：不是有效的 .npz 文件（已损坏或不完整）</translation>
    </message>
    <message>
        <source>{0}: cannot be read safely: {1}</source>
        <translation>{0}：无法安全读取：{1}</translation>
    </message>
    <message>
        <source>{0}: not a valid {1} file ({2})</source>
        <translation>{0}：不是有效的 {1} 文件（{2}）</translation>
    </message>
    <message>
        <source>{0}: {1} in the archive is not an array</source>
        <translation>{0}：压缩包中的 {1} 不是数组</translation>
    </message>
    <message>
        <source>{0}: its arrays would take more than {1} MB</source>
        <translation>{0}：其中的数组解压后会超过 {1} MB</translation>
    </message>
    <message>
        <source>{0}: not a GradStudio weights file (no &quot;tensors&quot; object)</source>
        <translation>{0}：不是 GradStudio 权重文件（没有 &quot;tensors&quot; 对象）</translation>
    </message>
    <message>
        <source>{0}: tensor {1} is not a number or nested lists of numbers</source>
        <translation>{0}：张量 {1} 既不是数字，也不是嵌套的数字列表</translation>
    </message>
    <message>
        <source>it has no tensor {0}</source>
        <translation>文件中没有张量 {0}</translation>
    </message>
    <message>
        <source>{0} has shape {1}, the model&apos;s has shape {2}</source>
        <translation>{0} 的形状为 {1}，模型中的形状为 {2}</translation>
    </message>
    <message>
        <source>{0} holds {1} values, not numbers</source>
        <translation>{0} 存放的是 {1} 类型的值，不是数字</translation>
    </message>
    <message>
        <source>{0} holds NaN or Inf</source>
        <translation>{0} 含有 NaN 或 Inf</translation>
    </message>
    <message>
        <source>the model has no parameter {0}</source>
        <translation>模型没有参数 {0}</translation>
    </message>
    <message>
        <source>{0} does not fit the model: {1}. The model&apos;s parameters are: {2}.</source>
        <translation>{0} 与模型不匹配：{1}。模型的参数为：{2}。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>the folder is not empty and is not a GradStudio run folder, so its files could be replaced; choose a new or empty folder (or use --force to write into it anyway)</source>
        <translation>该文件夹不是空的，也不是 GradStudio 的运行文件夹，其中的文件可能被覆盖；请选择一个新的或空的文件夹（或使用 --force 仍然写入）</translation>
    </message>
    <message>
        <source>it is a file, not a folder</source>
        <translation>这是文件，不是文件夹</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>权限不足</translation>
    </message>
    <message>
        <source>the disk is read-only</source>
        <translation>磁盘为只读</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>the disk quota is used up</source>
        <translation>磁盘配额已用完</translation>
    </message>
    <message>
        <source>the name is too long</source>
        <translation>名称过长</translation>
    </message>
    <message>
        <source>the name is not allowed here</source>
        <translation>此处不允许使用该名称</translation>
    </message>
    <message>
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <source>part of the path is a file, not a folder</source>
        <translation>路径中有一部分是文件，而不是文件夹</translation>
    </message>
    <message>
        <source>it is a folder</source>
        <translation>这是文件夹</translation>
    </message>
    <message>
        <source>something else already has that name</source>
        <translation>已有其他项目使用该名称</translation>
    </message>
    <message>
        <source>it is not a regular file (a pipe, device or socket); only files can be opened</source>
        <translation>它不是普通文件（而是管道、设备或套接字）；只能打开普通文件</translation>
    </message>
    <message>
        <source>it is too large ({0} MB; the limit is {1} MB)</source>
        <translation>文件太大（{0} MB；上限为 {1} MB）</translation>
    </message>
    <message>
        <source>it is too large (more than {0} MB)</source>
        <translation>文件太大（超过 {0} MB）</translation>
    </message>
    <message>
        <source>Cannot save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
    <message>
        <source>Cannot open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>history.columns: the parameter columns {0} do not fit the model&apos;s scalar parameters {1}</source>
        <translation>history.columns：参数列 {0} 与模型的标量参数 {1} 不匹配</translation>
    </message>
    <message>
        <source>there is no such file</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <source>it is a folder, not a session file</source>
        <translation>这是文件夹，不是会话文件</translation>
    </message>
    <message>
        <source>it is not a text file (byte {0} is not UTF-8); session files are JSON</source>
        <translation>这不是文本文件（第 {0} 个字节不是 UTF-8）；会话文件应为 JSON</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <source>the number {0} has {1} digits: numbers in a session file must fit in 64 bits</source>
        <translation>数字 {0} 有 {1} 位：会话文件中的数字必须能用 64 位表示</translation>
    </message>
    <message>
        <source>line {0}, column {1}</source>
        <translation>第 {0} 行第 {1} 列</translation>
    </message>
    <message>
        <source>the file ends too early ({0}): it was cut off, perhaps while being copied or saved</source>
        <translation>文件提前结束（{0}）：内容被截断，可能发生在复制或保存时</translation>
    </message>
    <message>
        <source>it is not valid JSON: {0} at {1}</source>
        <translation>不是有效的 JSON：{1}处 {0}</translation>
    </message>
    <message>
        <source>it is not a session file: its JSON is nested too deeply</source>
        <translation>这不是会话文件：其 JSON 嵌套过深</translation>
    </message>
    <message>
        <source>it is not a GradStudio session file: it holds a JSON {0}, not an object</source>
        <translation>这不是 GradStudio 会话文件：其内容是 JSON {0}，而不是对象</translation>
    </message>
    <message>
        <source>it is not a GradStudio session file: it has no &quot;schema&quot; field</source>
        <translation>这不是 GradStudio 会话文件：缺少 &quot;schema&quot; 字段</translation>
    </message>
    <message>
        <source>schema: must be a whole number ≥ 1, not {0}</source>
        <translation>schema：必须是 ≥ 1 的整数，而不是 {0}</translation>
    </message>
    <message>
        <source>it was made by a newer GradStudio: schema {0}, this version reads up to {1}. Update GradStudio to open it.</source>
        <translation>此文件由更新版本的 GradStudio 创建：schema 为 {0}，本版本最高只能读取 {1}。请更新 GradStudio 后再打开。</translation>
    </message>
    <message>
        <source>{0}: missing (a session file holds model, data and training sections)</source>
        <translation>{0}：缺失（会话文件应包含 model、data 和 training 三个部分）</translation>
    </message>
    <message>
        <source>{0}: unknown field; a session file has only {1}</source>
        <translation>{0}：未知字段；会话文件只包含 {1}</translation>
    </message>
    <message>
        <source>{0}: must be text, not a JSON {1}</source>
        <translation>{0}：必须是文本，而不是 JSON {1}</translation>
    </message>
    <message>
        <source>Untitled session</source>
        <translation>未命名会话</translation>
    </message>
    <message>
        <source>{0}: must be a number, not a JSON {1}</source>
        <translation>{0}：必须是数字，而不是 JSON {1}</translation>
    </message>
    <message>
        <source>{0}: must be a whole number, not {1}</source>
        <translation>{0}：必须是整数，而不是 {1}</translation>
    </message>
    <message>
        <source>model.hidden: must be a list of whole numbers, such as [16, 16]</source>
        <translation>model.hidden：必须是整数列表，例如 [16, 16]</translation>
    </message>
    <message>
        <source>model.initial: must map parameter names to numbers, such as {&quot;a&quot;: 1.0}</source>
        <translation>model.initial：必须把参数名映射到数字，例如 {&quot;a&quot;: 1.0}</translation>
    </message>
    <message>
        <source>state: must be an object or null, not a JSON {0}</source>
        <translation>state：必须是对象或 null，而不是 JSON {0}</translation>
    </message>
    <message>
        <source>{0}: missing</source>
        <translation>{0}：缺失</translation>
    </message>
    <message>
        <source>{0}: must be an object keyed by parameter name</source>
        <translation>{0}：必须是以参数名为键的对象</translation>
    </message>
    <message>
        <source>{0}: must be an object</source>
        <translation>{0}：必须是对象</translation>
    </message>
    <message>
        <source>{0}: must be a number, not {1}</source>
        <translation>{0}：必须是数字，而不是 {1}</translation>
    </message>
    <message>
        <source>{0}: must be a number or nested lists of numbers with one length per level</source>
        <translation>{0}：必须是数字，或每层长度一致的嵌套数字列表</translation>
    </message>
    <message>
        <source>{0}: must be finite numbers</source>
        <translation>{0}：必须是有限的数值</translation>
    </message>
    <message>
        <source>true/false value</source>
        <translation>true/false 值</translation>
    </message>
    <message>
        <source>object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>must be a JSON object with columns, stride and rows</source>
        <translation>必须是包含 columns、stride 和 rows 的 JSON 对象</translation>
    </message>
    <message>
        <source>columns: must be a list of names starting with step, wall_time, loss</source>
        <translation>columns：必须是以 step、wall_time、loss 开头的名称列表</translation>
    </message>
    <message>
        <source>stride: must be a power of two ≥ 1</source>
        <translation>stride：必须是 2 的幂（≥ 1）</translation>
    </message>
    <message>
        <source>rows: must be a list of rows</source>
        <translation>rows：必须是由行组成的列表</translation>
    </message>
    <message>
        <source>rows[{0}]: must be a list of {1} numbers</source>
        <translation>rows[{0}]：必须是包含 {1} 个数字的列表</translation>
    </message>
    <message>
        <source>rows[{0}][{1}]: {2} is not a number</source>
        <translation>rows[{0}][{1}]：{2} 不是数字</translation>
    </message>
    <message>
        <source>rows[{0}][0]: the step must be a whole number ≥ 1 and a multiple of the stride</source>
        <translation>rows[{0}][0]：步数必须是 ≥ 1 的整数，且是 stride 的倍数</translation>
    </message>
    <message>
        <source>rows[{0}][0]: steps must increase from row to row</source>
        <translation>rows[{0}][0]：步数必须逐行递增</translation>
    </message>
    <message>
        <source>norms.columns: must be a list of names</source>
        <translation>norms.columns：必须是名称列表</translation>
    </message>
    <message>
        <source>norms.rows: must hold one row per history row</source>
        <translation>norms.rows：每个历史行必须对应一行</translation>
    </message>
    <message>
        <source>norms.rows[{0}]: must be a list of {1} numbers</source>
        <translation>norms.rows[{0}]：必须是包含 {1} 个数字的列表</translation>
    </message>
</context>
</TS>
