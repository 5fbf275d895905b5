<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DebuggerDock</name>
    <message>
        <source>Backward debugger</source>
        <translation>反向传播调试器</translation>
    </message>
</context>
<context>
    <name>DebuggerPanel</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Run the next node (F10)</source>
        <translation>运行下一个节点 (F10)</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Run every remaining node</source>
        <translation>运行剩余的全部节点</translation>
    </message>
    <message>
        <source>Run to breakpoint</source>
        <translation>运行到断点</translation>
    </message>
    <message>
        <source>Run until a breakpoint is hit (F5)</source>
        <translation>一直运行，直到命中断点 (F5)</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Keep the saved tensors after the walk, so it can be restarted or run again</source>
        <translation>遍历结束后仍保留保存的张量，以便重新开始或再次运行</translation>
    </message>
    <message>
        <source>Execution order</source>
        <translation>执行顺序</translation>
    </message>
    <message>
        <source>Breakpoints</source>
        <translation>断点</translation>
    </message>
    <message>
        <source>on the first NaN / Inf</source>
        <translation>首次出现 NaN / Inf 时</translation>
    </message>
    <message>
        <source>node type</source>
        <translation>节点类型</translation>
    </message>
    <message>
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Stop after a node of this type runs, e.g. MulBackward0</source>
        <translation>此类型的节点运行后停下，例如 MulBackward0</translation>
    </message>
    <message>
        <source>Stop after the node of this tensor (its grad_fn, or a leaf&apos;s AccumulateGrad) runs</source>
        <translation>此张量的节点（其 grad_fn，或叶子节点的 AccumulateGrad）运行后停下</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>node type {0}</source>
        <translation>节点类型 {0}</translation>
    </message>
    <message>
        <source>tensor {0}</source>
        <translation>张量 {0}</translation>
    </message>
    <message>
        <source>Begin backward() on the graph shown (nothing runs until Step)</source>
        <translation>在当前显示的计算图上开始 backward()（按“单步”之前不运行任何节点）</translation>
    </message>
    <message>
        <source>Put .grad back as it was and walk again</source>
        <translation>将 .grad 恢复原样并重新遍历</translation>
    </message>
    <message>
        <source>Ready: {0}</source>
        <translation>就绪：{0}</translation>
    </message>
    <message>
        <source>Show a graph, then press Start</source>
        <translation>先显示一个计算图，再按“开始”</translation>
    </message>
    <message>
        <source>Backward failed after {0} node(s)</source>
        <translation>反向传播在运行 {0} 个节点后失败</translation>
    </message>
    <message>
        <source>Walk ended after {0} node(s): {1}</source>
        <translation>遍历在运行 {0} 个节点后结束：{1}</translation>
    </message>
    <message>
        <source>Finished: {0} nodes ran</source>
        <translation>完成：共运行 {0} 个节点</translation>
    </message>
    <message>
        <source>node {0} of {1}</source>
        <translation>第 {0} / {1} 个节点</translation>
    </message>
    <message>
        <source>{0} nodes to run</source>
        <translation>待运行 {0} 个节点</translation>
    </message>
    <message>
        <source>Walking {0} · {1}</source>
        <translation>正在遍历 {0} · {1}</translation>
    </message>
    <message>
        <source>not run yet:</source>
        <translation>尚未运行：</translation>
    </message>
    <message>
        <source>Stopped: {0}</source>
        <translation>已停下：{0}</translation>
    </message>
    <message>
        <source>Press Step to run the first node</source>
        <translation>按“单步”运行第一个节点</translation>
    </message>
</context>
<context>
    <name>GradientFlowPlot</name>
    <message>
        <source>Gradient flow</source>
        <translation>梯度流</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>‖∂loss/∂θ‖</source>
        <translation>‖∂损失/∂θ‖</translation>
    </message>
    <message>
        <source>vanishing</source>
        <translation>梯度消失</translation>
    </message>
    <message>
        <source>exploding</source>
        <translation>梯度爆炸</translation>
    </message>
    <message>
        <source>one curve per layer</source>
        <translation>每层一条曲线</translation>
    </message>
    <message>
        <source>Combine each module&apos;s parameters (weight and bias) into one norm</source>
        <translation>将每个模块的参数（权重和偏置）合并为一个范数</translation>
    </message>
    <message>
        <source>step {0}: {1}</source>
        <translation>第 {0} 步：{1}</translation>
    </message>
</context>
<context>
    <name>GraphPanel</name>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Fit the whole graph in view (F, or double-click the background); wheel zooms, dragging pans</source>
        <translation>缩放以显示整个计算图（F 键，或双击空白处）；滚轮缩放，拖动平移</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Expand all</source>
        <translation>全部展开</translation>
    </message>
    <message>
        <source>Show every operator inside every module</source>
        <translation>显示每个模块中的所有算子</translation>
    </message>
    <message>
        <source>Collapse</source>
        <translation>折叠</translation>
    </message>
    <message>
        <source>Draw the innermost modules as single boxes (click a box to open it)</source>
        <translation>将最内层的模块画成单个方框（单击方框可展开）</translation>
    </message>
    <message>
        <source>Debug backward…</source>
        <translation>调试反向传播…</translation>
    </message>
    <message>
        <source>Open the backward debugger on this graph</source>
        <translation>在此计算图上打开反向传播调试器</translation>
    </message>
    <message>
        <source>Follow training</source>
        <translation>跟随训练</translation>
    </message>
    <message>
        <source>Show the graph of the current training step, redrawn while training runs</source>
        <translation>显示当前训练步的计算图，训练进行时随之重绘</translation>
    </message>
    <message>
        <source> · the {0} operators nearest the root ({1} more not drawn)</source>
        <translation> · 仅显示离根最近的 {0} 个算子（另有 {1} 个未绘制）</translation>
    </message>
    <message>
        <source>{0}  (variable)</source>
        <translation>{0}  （变量）</translation>
    </message>
</context>
<context>
    <name>GraphWorkbench</name>
    <message>
        <source>Scratchpad</source>
        <translation>草稿本</translation>
    </message>
    <message>
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <source>Gradient flow</source>
        <translation>梯度流</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Click a node to inspect it</source>
        <translation>单击节点查看详情</translation>
    </message>
</context>
<context>
    <name>ScratchpadPanel</name>
    <message>
        <source>What the program prints appears here.</source>
        <translation>程序打印的内容会显示在这里。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Run the program (Ctrl+Enter)</source>
        <translation>运行程序 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the program now</source>
        <translation>立即停止程序</translation>
    </message>
    <message>
        <source>debug backward</source>
        <translation>调试反向传播</translation>
    </message>
    <message>
        <source>backward() opens the debugger at the first node instead of running through; the program goes on when the walk ends</source>
        <translation>backward() 会在第一个节点处打开调试器，而不是一次运行到底；遍历结束后程序继续运行</translation>
    </message>
    <message>
        <source>A tensor of the last run, to draw as the root of a graph</source>
        <translation>上次运行中的一个张量，作为计算图的根来绘制</translation>
    </message>
    <message>
        <source>Show graph</source>
        <translation>显示计算图</translation>
    </message>
    <message>
        <source>graph of</source>
        <translation>根张量</translation>
    </message>
    <message>
        <source>The scratchpad runs your program as ordinary Python with your user&apos;s rights: it can read, change and delete your files. Run only code you trust.</source>
        <translation>草稿本像普通程序一样运行你的代码，拥有你的用户权限：它可以读取、修改和删除你的文件。请只运行你信任的代码。</translation>
    </message>
    <message>
        <source>This program was loaded from {0} and has not run. Read it, then press Run to run it.</source>
        <translation>此程序从 {0} 载入，尚未运行。请先阅读，再按“运行”来运行它。</translation>
    </message>
    <message>
        <source>Line {0}: backward() is waiting for the debugger</source>
        <translation>第 {0} 行：backward() 正在等待调试器</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Error on line {0}: {1}</source>
        <translation>第 {0} 行出错：{1}</translation>
    </message>
    <message>
        <source>Error: {0}</source>
        <translation>出错：{0}</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>{0} · {1} earlier lines of output dropped (the last {2} are kept)</source>
        <translation>{0} · 丢弃了较早的 {1} 行输出（保留最后 {2} 行）</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>正在运行…</translation>
    </message>
</context>
<context>
    <name>debugger</name>
    <message>
        <source>Pause training to step through its backward pass</source>
        <translation>请先暂停训练，再单步执行其反向传播</translation>
    </message>
    <message>
        <source>training resumed</source>
        <translation>训练已继续</translation>
    </message>
    <message>
        <source>a training step changed the .grad this walk accumulates into</source>
        <translation>一个训练步改变了此次遍历累加的 .grad</translation>
    </message>
    <message>
        <source>gradient received (after hooks)</source>
        <translation>收到的梯度（经钩子处理后）</translation>
    </message>
    <message>
        <source>gradient received</source>
        <translation>收到的梯度</translation>
    </message>
    <message>
        <source>captured</source>
        <translation>已捕获</translation>
    </message>
    <message>
        <source>returned by autograd.grad instead of accumulated</source>
        <translation>由 autograd.grad 返回，而非累加</translation>
    </message>
    <message>
        <source>input {0}: constant</source>
        <translation>输入 {0}：常量</translation>
    </message>
    <message>
        <source>input {0} → AccumulateGrad ({1})</source>
        <translation>输入 {0} → AccumulateGrad ({1})</translation>
    </message>
    <message>
        <source>input {0} → {1}</source>
        <translation>输入 {0} → {1}</translation>
    </message>
    <message>
        <source>no gradient (needs none)</source>
        <translation>无梯度（不需要）</translation>
    </message>
    <message>
        <source>gradients sent</source>
        <translation>发出的梯度</translation>
    </message>
    <message>
        <source>{0} of {1} inputs</source>
        <translation>{0} / {1} 个输入</translation>
    </message>
    <message>
        <source>non-leaf gradient</source>
        <translation>非叶子节点梯度</translation>
    </message>
    <message>
        <source>kept in .grad of {0} (retain_grad())</source>
        <translation>保留在 {0} 的 .grad 中 (retain_grad())</translation>
    </message>
    <message>
        <source>dropped after use (call retain_grad() to keep it in .grad)</source>
        <translation>用后丢弃（调用 retain_grad() 可将其保留在 .grad 中）</translation>
    </message>
    <message>
        <source>saved tensors</source>
        <translation>保存的张量</translation>
    </message>
    <message>
        <source>freed after this node ran (retain_graph=False)</source>
        <translation>此节点运行后已释放 (retain_graph=False)</translation>
    </message>
    <message>
        <source>kept (retain_graph=True)</source>
        <translation>已保留 (retain_graph=True)</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>已保留</translation>
    </message>
    <message>
        <source>none needed</source>
        <translation>无需保存</translation>
    </message>
    <message>
        <source>kept the gradient of {0}</source>
        <translation>保留了 {0} 的梯度</translation>
    </message>
    <message>
        <source>{0} hook {1}</source>
        <translation>{0} 钩子 {1}</translation>
    </message>
    <message>
        <source>returned None: gradient unchanged</source>
        <translation>返回 None：梯度不变</translation>
    </message>
    <message>
        <source>returned {0}: replaces the gradient</source>
        <translation>返回 {0}：替换梯度</translation>
    </message>
    <message>
        <source>hooks fired</source>
        <translation>触发的钩子</translation>
    </message>
    <message>
        <source>Buffers freed by the previous backward: {0} saved tensors for backward, and the backward that already ran through this graph without retain_graph=True freed them. Run the forward again to build a new graph, or give the first backward retain_graph=True.</source>
        <translation>缓冲区已被上一次反向传播释放：{0} 为反向传播保存了张量，而先前未使用 retain_graph=True 在此计算图上运行的反向传播已将它们释放。请重新运行前向传播以构建新的计算图，或在第一次 backward 时传入 retain_graph=True。</translation>
    </message>
    <message>
        <source>A tensor this graph saved for backward was changed in place after it was saved, so the gradient formula would use the wrong value. Compute on a copy (x.clone()) or move the in-place change after backward.</source>
        <translation>此计算图为反向传播保存的一个张量在保存后被原地修改，梯度公式会用到错误的值。请在副本 (x.clone()) 上计算，或把原地修改移到 backward 之后。</translation>
    </message>
    <message>
        <source>Cannot restart: this walk ran without retain_graph=True, so {0} already freed the tensors saved for backward. Start again with &quot;retain_graph&quot; on, or rebuild the graph.</source>
        <translation>无法重新开始：此次遍历未使用 retain_graph=True，{0} 已释放了为反向传播保存的张量。请勾选“retain_graph”后重新开始，或重新构建计算图。</translation>
    </message>
    <message>
        <source>its nodes</source>
        <translation>其节点</translation>
    </message>
    <message>
        <source>abandoned</source>
        <translation>已放弃</translation>
    </message>
    <message>
        <source>breakpoint on node type {0}</source>
        <translation>命中节点类型断点 {0}</translation>
    </message>
    <message>
        <source>breakpoint on tensor &apos;{0}&apos;</source>
        <translation>命中张量断点“{0}”</translation>
    </message>
    <message>
        <source>NaN/Inf: {0}</source>
        <translation>NaN/Inf：{0}</translation>
    </message>
    <message>
        <source>{0} received a non-finite gradient</source>
        <translation>{0} 收到了含 NaN/Inf 的梯度</translation>
    </message>
    <message>
        <source>{0} produced a non-finite gradient for input {1}</source>
        <translation>{0} 为输入 {1} 产生了含 NaN/Inf 的梯度</translation>
    </message>
    <message>
        <source>{0} accumulated a non-finite .grad</source>
        <translation>{0} 累加出了含 NaN/Inf 的 .grad</translation>
    </message>
    <message>
        <source>Nothing to restart: start a walk first.</source>
        <translation>没有可重新开始的遍历：请先开始遍历。</translation>
    </message>
</context>
<context>
    <name>graph</name>
    <message>
        <source>1 parameter · click to expand</source>
        <translation>1 个参数 · 单击展开</translation>
    </message>
    <message>
        <source>{0} parameters · click to expand</source>
        <translation>{0} 个参数 · 单击展开</translation>
    </message>
    <message>
        <source>click to expand</source>
        <translation>单击展开</translation>
    </message>
    <message>
        <source>saved tensors freed</source>
        <translation>保存的张量已释放</translation>
    </message>
    <message>
        <source>freed</source>
        <translation>已释放</translation>
    </message>
    <message>
        <source>∇ a tensor&apos;s .grad</source>
        <translation>∇ 张量的 .grad</translation>
    </message>
    <message>
        <source>order in which backward ran</source>
        <translation>反向传播的执行顺序</translation>
    </message>
    <message>
        <source>gradient sent along an edge</source>
        <translation>沿边传递的梯度</translation>
    </message>
    <message>
        <source>Training step {0} · loss of the next batch</source>
        <translation>训练第 {0} 步 · 下一批数据的损失</translation>
    </message>
    <message>
        <source>scratchpad: {0}</source>
        <translation>草稿本：{0}</translation>
    </message>
    <message>
        <source>variable</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>detached from</source>
        <translation>分离自</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>accumulates into</source>
        <translation>累加到</translation>
    </message>
    <message>
        <source>a leaf</source>
        <translation>一个叶子节点</translation>
    </message>
    <message>
        <source>shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>output dtype</source>
        <translation>输出 dtype</translation>
    </message>
    <message>
        <source>output value</source>
        <translation>输出值</translation>
    </message>
    <message>
        <source>saved tensors</source>
        <translation>保存的张量</translation>
    </message>
    <message>
        <source>made in module</source>
        <translation>所属模块</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>{0}
{1} nodes inside — click to expand</source>
        <translation>{0}
内含 {1} 个节点 — 单击展开</translation>
    </message>
    <message>
        <source>shape {0}  {1}</source>
        <translation>形状 {0}  {1}</translation>
    </message>
    <message>
        <source>None (a non-leaf keeps .grad only after retain_grad())</source>
        <translation>None（非叶子节点只有调用 retain_grad() 后才保留 .grad）</translation>
    </message>
    <message>
        <source>constant (no grad)</source>
        <translation>常量（无梯度）</translation>
    </message>
    <message>
        <source>{0} (via AccumulateGrad)</source>
        <translation>{0}（经 AccumulateGrad）</translation>
    </message>
    <message>
        <source>leaf</source>
        <translation>叶子</translation>
    </message>
    <message>
        <source>freed — backward ran without retain_graph=True</source>
        <translation>已释放 — 反向传播运行时未使用 retain_graph=True</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>click the box to expand it</source>
        <translation>单击方框将其展开</translation>
    </message>
    <message>
        <source>parameter (nn.Parameter)</source>
        <translation>参数 (nn.Parameter)</translation>
    </message>
    <message>
        <source>input: leaf that requires grad</source>
        <translation>输入：需要梯度的叶子节点</translation>
    </message>
    <message>
        <source>constant: needs no grad</source>
        <translation>常量：不需要梯度</translation>
    </message>
    <message>
        <source>non-leaf result</source>
        <translation>非叶子结果</translation>
    </message>
    <message>
        <source>non-leaf with retain_grad()</source>
        <translation>调用了 retain_grad() 的非叶子节点</translation>
    </message>
    <message>
        <source>root (where backward starts)</source>
        <translation>根（反向传播的起点）</translation>
    </message>
    <message>
        <source>detached: shares storage, no history</source>
        <translation>已分离：共享存储，无历史</translation>
    </message>
    <message>
        <source>operator (grad_fn)</source>
        <translation>算子 (grad_fn)</translation>
    </message>
    <message>
        <source>AccumulateGrad: adds into .grad</source>
        <translation>AccumulateGrad：累加到 .grad</translation>
    </message>
    <message>
        <source>nn.Module (click to expand)</source>
        <translation>nn.Module（单击展开）</translation>
    </message>
    <message>
        <source>a tensor in the graph</source>
        <translation>图中的一个张量</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常量</translation>
    </message>
    <message>
        <source>detached</source>
        <translation>已分离</translation>
    </message>
    <message>
        <source>parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>retained</source>
        <translation>保留梯度</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>{0} input</source>
        <translation>{0} 的输入</translation>
    </message>
    <message>
        <source>min {0}  mean {1}  max {2}  norm {3}</source>
        <translation>最小 {0}  均值 {1}  最大 {2}  范数 {3}</translation>
    </message>
    <message>
        <source>{0} NaN</source>
        <translation>{0} 个 NaN</translation>
    </message>
    <message>
        <source>{0} Inf</source>
        <translation>{0} 个 Inf</translation>
    </message>
</context>
<context>
    <name>scratchpad</name>
    <message>
        <source>The program ended the process it ran in (exit code {0})</source>
        <translation>程序结束了运行它的进程（退出码 {0}）</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Internal error: {0}</source>
        <translation>内部错误：{0}</translation>
    </message>
    <message>
        <source>backward() on line {0}</source>
        <translation>第 {0} 行的 backward()</translation>
    </message>
</context>
</TS>
