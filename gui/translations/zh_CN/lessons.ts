<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DerivativeView</name>
    <message>
        <source>at x =</source>
        <translation>在点 x =</translation>
    </message>
    <message>
        <source>first h =</source>
        <translation>初始 h =</translation>
    </message>
    <message>
        <source>− autograd</source>
        <translation>− 自动微分</translation>
    </message>
    <message>
        <source>f and its tangent</source>
        <translation>f 及其切线</translation>
    </message>
    <message>
        <source>tangent</source>
        <translation>切线</translation>
    </message>
    <message>
        <source>x and h must be numbers</source>
        <translation>x 和 h 必须是数字</translation>
    </message>
    <message>
        <source>h must be a number &gt; 0</source>
        <translation>h 必须是大于 0 的数</translation>
    </message>
    <message>
        <source>Cannot compute: {0}</source>
        <translation>无法计算：{0}</translation>
    </message>
    <message>
        <source>autograd: f&apos;({0:g}) = {1:.10g}    tangent: y = {2:.6g}·x {3:+.6g}</source>
        <translation>自动微分：f&apos;({0:g}) = {1:.10g}    切线：y = {2:.6g}·x {3:+.6g}</translation>
    </message>
</context>
<context>
    <name>DiceView</name>
    <message>
        <source>Roll</source>
        <translation>掷骰子</translation>
    </message>
    <message>
        <source>Probabilities</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>groups of 10 rolls</source>
        <translation>组数（每组掷 10 次）</translation>
    </message>
    <message>
        <source>Relative frequency of each face</source>
        <translation>各点数的相对频率</translation>
    </message>
    <message>
        <source>estimated probability</source>
        <translation>概率估计值</translation>
    </message>
    <message>
        <source>face {0}</source>
        <translation>{0} 点</translation>
    </message>
    <message>
        <source>write the probabilities as numbers or fractions, such as 1/6</source>
        <translation>概率应写成数字或分数，例如 1/6</translation>
    </message>
    <message>
        <source>Cannot roll: {0}</source>
        <translation>无法掷骰子：{0}</translation>
    </message>
    <message>
        <source>after {0:,} rolls: {1}</source>
        <translation>掷 {0:,} 次后：{1}</translation>
    </message>
</context>
<context>
    <name>HiddenLayerView</name>
    <message>
        <source>&lt;b&gt;Linear model&lt;/b&gt; (no hidden layer)</source>
        <translation>&lt;b&gt;线性模型&lt;/b&gt;（没有隐藏层）</translation>
    </message>
    <message>
        <source>&lt;b&gt;2 → 4 → 1&lt;/b&gt;, tanh</source>
        <translation>&lt;b&gt;2 → 4 → 1&lt;/b&gt;，tanh</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>重放</translation>
    </message>
    <message>
        <source>step {0}: test accuracy {1:.0f}% without a hidden layer, {2:.0f}% with one</source>
        <translation>第 {0} 步：测试准确率，没有隐藏层 {1:.0f}%，有一个隐藏层 {2:.0f}%</translation>
    </message>
</context>
<context>
    <name>LandscapeView</name>
    <message>
        <source>momentum</source>
        <translation>动量法</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>重播</translation>
    </message>
    <message>
        <source>Use the Setup&apos;s model</source>
        <translation>使用“设置”中的模型</translation>
    </message>
    <message>
        <source>Draw the landscape of the model in the Setup forms (it must have exactly two scalar parameters)</source>
        <translation>绘制“设置”表单中模型的损失曲面（该模型必须恰好有两个标量参数）</translation>
    </message>
    <message>
        <source>Loss landscape</source>
        <translation>损失曲面</translation>
    </message>
    <message>
        <source>Loss over ({0}, {1})</source>
        <translation>损失随 ({0}, {1}) 的变化</translation>
    </message>
    <message>
        <source>minimum</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>your run</source>
        <translation>你的训练</translation>
    </message>
    <message>
        <source>Cannot draw this landscape: {0}</source>
        <translation>无法绘制该损失曲面：{0}</translation>
    </message>
    <message>
        <source>step {0}   {1}   minimum ({2:.2f}, {3:.2f})</source>
        <translation>第 {0} 步   最小值 ({2:.2f}, {3:.2f})   {1}</translation>
    </message>
    <message>
        <source>your run: step {0} at ({1:.2f}, {2:.2f})   minimum ({3:.2f}, {4:.2f})</source>
        <translation>最小值 ({3:.2f}, {4:.2f})   你的训练：第 {0} 步，位于 ({1:.2f}, {2:.2f})</translation>
    </message>
</context>
<context>
    <name>LessonCard</name>
    <message>
        <source>Open this lesson</source>
        <translation>打开这一课</translation>
    </message>
</context>
<context>
    <name>LessonGallery</name>
    <message>
        <source>&lt;h2&gt;Lessons&lt;/h2&gt;&lt;p&gt;Classic autograd lessons, each runnable and visible. Click one to open it: its program goes into the scratchpad (press Run), its explanation beside the views.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;课程&lt;/h2&gt;&lt;p&gt;经典的自动微分课程，每一课都能运行，过程都看得见。点击一课即可打开：它的程序放入草稿本（按“运行”执行），讲解显示在视图旁边。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>&lt;b&gt;No lesson open&lt;/b&gt;</source>
        <translation>&lt;b&gt;尚未打开课程&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Open a lesson from the Lessons tab or the Examples menu.</source>
        <translation>请从“课程”标签页或“示例”菜单打开一课。</translation>
    </message>
</context>
<context>
    <name>Lessons</name>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程讲解</translation>
    </message>
    <message>
        <source>All lessons…</source>
        <translation>全部课程…</translation>
    </message>
    <message>
        <source>Opened the lesson “{0}”</source>
        <translation>已打开课程“{0}”</translation>
    </message>
    <message>
        <source>Fix the marked fields in Setup first.</source>
        <translation>请先改正“设置”中标出的字段。</translation>
    </message>
</context>
<context>
    <name>lessons</name>
    <message>
        <source>Derivative</source>
        <translation>导数</translation>
    </message>
    <message>
        <source>Dice</source>
        <translation>骰子</translation>
    </message>
    <message>
        <source>Loss landscape</source>
        <translation>损失曲面</translation>
    </message>
    <message>
        <source>Hidden layer</source>
        <translation>隐藏层</translation>
    </message>
    <message>
        <source>Fit y = 2x + 3 plus noise with w·x + b: minibatches of 4, learning rate 0.02, 500 steps of SGD.

What to look at: the fitted line (Training tab) swings towards the data in the first few dozen
steps, then settles; the loss curve drops fast and then flattens at the noise level; w and b head
for 2 and 3.

What to try: raise the learning rate to 0.2 and watch it diverge; switch to Adam; add noise.
</source>
        <translation>用 w·x + b 拟合加了噪声的 y = 2x + 3：小批量大小为 4，学习率 0.02，用 SGD 训练 500 步。

看什么：拟合直线（“训练”标签页）在最初几十步里迅速摆向数据，随后稳定下来；损失曲线先快速下降，再在噪声水平附近趋于平缓；w 和 b 分别趋近 2 和 3。

试一试：把学习率调到 0.2，看训练发散；换成 Adam；加大噪声。
</translation>
    </message>
    <message>
        <source>x = 2 and y = x² + 3x + 1, so dy/dx = 2x + 3 = 7 — and after y.backward(), x.grad is 7.

What to look at: press Run, then Show graph of y: x is a leaf that requires grad; y is not a leaf
and its grad_fn is AddBackward0, whose inputs lead back through MulBackward0 and PowBackward0.
Tick &quot;debug backward&quot; and Run again to step through the backward pass node by node.

What to try: call y.backward() twice (it fails: the graph was freed — add retain_graph=True,
and watch x.grad accumulate to 14).
</source>
        <translation>x = 2，y = x² + 3x + 1，所以 dy/dx = 2x + 3 = 7——调用 y.backward() 之后，x.grad 就是 7。

看什么：按“运行”，再显示 y 的计算图：x 是需要梯度的叶子节点；y 不是叶子节点，它的 grad_fn 是 AddBackward0，沿着它的输入经过 MulBackward0 和 PowBackward0 一路回溯。勾选“调试反向传播”后再运行一次，就能逐个节点地单步执行反向传播。

试一试：调用两次 y.backward()（第二次会失败：计算图已被释放——加上 retain_graph=True，再看 x.grad 累加到 14）。
</translation>
    </message>
    <message>
        <source>x.detach() and x.data both give a tensor without history that shares x&apos;s storage: changing
either in place changes x too, but never x.grad, and neither records a graph.

What to look at: the printed values after each in-place change; Show graph of z: a, detached,
has no node in it — only x&apos;s branch is recorded; the graph is cut there.

What to try: compute something from a and call backward on it (it fails: a does not require
grad). The difference: autograd notices in-place changes made through detach() to a tensor
backward still needs; through .data it silently computes a wrong gradient.
</source>
        <translation>x.detach() 和 x.data 都会得到一个与 x 共享存储、不带计算历史的张量：对其中任何一个做原地修改都会改变 x，但不会改变 x.grad，而且两者都不记录计算图。

看什么：每次原地修改后打印出的值；显示 z 的计算图：已分离的 a 在图中没有节点——只记录了 x 这一支，计算图在那里被切断。

试一试：用 a 算出一个结果并对它调用 backward()（会失败：a 不需要梯度）。两者的区别在于：通过 detach() 对反向传播仍需要的张量做原地修改，自动微分机制会察觉并报错；而通过 .data 修改，它会悄无声息地算出错误的梯度。
</translation>
    </message>
    <message>
        <source>Only leaves keep .grad after backward. A non-leaf keeps its gradient if you ask with
retain_grad(); a hook registered with register_hook sees (and may replace) the gradient as it
passes, until you remove() it.

What to look at: y.grad is set (retain_grad), the hook printed the gradient flowing into y;
with &quot;debug backward&quot; ticked, step through and watch the hook fire at y&apos;s node.

What to try: return grad * 2 from the hook and see x.grad double; remove the hook and run the
backward again.
</source>
        <translation>反向传播之后，只有叶子节点会保留 .grad。非叶子节点要保留梯度，需调用 retain_grad()；用 register_hook 注册的钩子会在梯度流经时看到它（还可以替换它），直到调用 handle.remove() 将其移除。

看什么：y.grad 已被设置（retain_grad 的作用），钩子打印出了流入 y 的梯度；勾选“调试反向传播”后单步执行，可以看到钩子在 y 的节点处触发。

试一试：让钩子返回 grad * 2，看 x.grad 翻倍；移除钩子后再做一次反向传播。
</translation>
    </message>
    <message>
        <source>The derivative is the limit of difference quotients (f(x + h) − f(x)) / h as h → 0. For
f(x) = 3x² − 4x at x = 1 they approach 2 — autograd gives the exact 2 at once, and the tangent
at (1, −1) is y = 2x − 3.

What to look at: the table of quotients for h = 0.1 … 0.00001 closing in on 2, next to
autograd&apos;s value; the plot of f with its tangent.

What to try: change f, x or h (the derivative view&apos;s fields, or the program); in float32, make
h tiny (1e-8) and watch rounding wreck the quotient while autograd stays exact.
</source>
        <translation>导数是当 h → 0 时差商 (f(x + h) − f(x)) / h 的极限。对 f(x) = 3x² − 4x，在 x = 1 处差商趋近于 2——自动微分直接给出精确的 2，(1, −1) 处的切线是 y = 2x − 3。

看什么：h = 0.1 … 0.00001 时的差商表逐步逼近 2，旁边是自动微分的值；f 及其切线的图像。

试一试：修改 f、x 或 h（在导数视图的输入框里，或在程序里）；在 float32 下把 h 取得极小（1e-8），看舍入误差毁掉差商，而自动微分依然精确。
</translation>
    </message>
    <message>
        <source>y = 2·xᵀx for x = [0, 1, 2, 3]: its gradient is 4x = [0, 4, 8, 12].

What to look at: x.grad after the first backward; gradients accumulate — a second backward
without zeroing adds to x.grad; x.grad.zero_() clears it; then x.sum() gives ones and x * x
(summed) gives 2x.

What to try: remove the x.grad.zero_() line and predict what is printed.
</source>
        <translation>x = [0, 1, 2, 3] 时，y = 2·xᵀx 的梯度是 4x = [0, 4, 8, 12]。

看什么：第一次反向传播后的 x.grad；梯度会累加——不清零就再做一次反向传播，结果会加到 x.grad 上；x.grad.zero_() 将其清零；之后 x.sum() 的梯度全为 1，x * x（求和后）的梯度是 2x。

试一试：删掉 x.grad.zero_() 这一行，先预测会打印出什么。
</translation>
    </message>
    <message>
        <source>u = y.detach() turns y = x * x into a constant: z = u * x has gradient u (= x²), not 3x².
The graph of y still exists, so y.sum().backward() gives 2x.

What to look at: Show graph of z: u, detached, has no node in it — only x&apos;s branch carries
gradient back, through one MulBackward0.

What to try: replace u by y in z and see x.grad become 3x².
</source>
        <translation>u = y.detach() 把 y = x * x 变成了常数：z = u * x 的梯度是 u（= x²），而不是 3x²。y 的计算图依然存在，所以 y.sum().backward() 给出 2x。

看什么：显示 z 的计算图：已分离的 u 在图中没有节点——只有 x 这一支把梯度传回去，中间只经过一个 MulBackward0。

试一试：把 z 中的 u 换成 y，看 x.grad 变成 3x²。
</translation>
    </message>
    <message>
        <source>Autograd records the operations that actually ran, so Python control flow is fine: f doubles b
until its norm passes 1000, and picks a branch on its sign. f(a) is linear in a (d = k·a for a
k that depends on a), so the gradient equals d / a.

What to look at: Show graph of d: its length depends on how many times the loop ran — run
again (a is random) and the graph changes.

What to try: seed a different value with torch.manual_seed, or make a a vector
(torch.randn(size=(3,))).
</source>
        <translation>自动微分记录的是实际执行过的运算，所以 Python 控制流也没问题：f 不断把 b 翻倍，直到它的范数超过 1000，再根据它的符号选择一个分支。f(a) 对 a 是线性的（d = k·a，其中 k 取决于 a），所以梯度等于 d / a。

看什么：显示 d 的计算图：图的长度取决于循环执行了多少次——再运行一次（a 是随机的），计算图就会变。

试一试：用 torch.manual_seed 换一个随机种子，或者把 a 改成向量（torch.randn(size=(3,))）。
</translation>
    </message>
    <message>
        <source>y1 = x1² + 3·x2 and y2 = x2² + 2·x1 at (2, 3). backward(v) computes vᵀJ, one row of the Jacobian
per unit vector: v = (1, 0) gives [4, 3], v = (0, 1) gives [2, 6] — retain_graph=True keeps the
graph for the second call, and x.grad must be zeroed in between.

The classic mistake: v = (1, 1) does not give J; it gives the sum of its rows, (6, 9).
autograd.functional.jacobian builds J = [[4, 3], [2, 6]] in one call.

What to try: forget x.grad.zero_() between the rows and see the rows add up.
</source>
        <translation>在 (2, 3) 处，y1 = x1² + 3·x2，y2 = x2² + 2·x1。backward(v) 计算的是 vᵀJ，每个单位向量得到雅可比矩阵的一行：v = (1, 0) 得到 [4, 3]，v = (0, 1) 得到 [2, 6]——retain_graph=True 为第二次调用保留计算图，两次之间必须把 x.grad 清零。

常见错误：v = (1, 1) 得到的不是 J，而是它各行之和 (6, 9)。autograd.functional.jacobian 一次调用就能构造出 J = [[4, 3], [2, 6]]。

试一试：两行之间忘记调用 x.grad.zero_()，看两行累加在一起。
</translation>
    </message>
    <message>
        <source>Roll a fair die: 500 groups of 10 rolls each, drawn with a multinomial distribution. The relative
frequency of each face, counted over all rolls so far, converges to 1/6 (the dashed line) — the
law of large numbers.

What to look at: the six curves start far apart and narrow towards 1/6 as rolls accumulate.

What to try: load the die (probabilities such as [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]) and see the
curves converge to those instead.
</source>
        <translation>掷一个均匀的骰子：共 500 组，每组掷 10 次，用多项分布抽样。按到目前为止的全部投掷统计，每个点数的相对频率收敛到 1/6（虚线）——这就是大数定律。

看什么：六条曲线一开始相距很远，随着投掷次数增加，逐渐向 1/6 收拢。

试一试：给骰子灌铅（设概率为 [0.5, 0.1, 0.1, 0.1, 0.1, 0.1] 之类），看曲线转而收敛到这些值。
</translation>
    </message>
    <message>
        <source>The linear model w·x + b has two parameters, so its loss is a surface over (w, b): here as a
contour map, with the path each optimizer takes from the same start (w, b) = (−1, −2).

What to look at: SGD follows the negative gradient, across the contours at right angles, slowly
along the long valley; momentum overshoots and swings in; Adam moves in nearly equal steps in w
and b at first. All three end near the minimum at about (2, 3).

What to try: a larger learning rate for SGD (it zig-zags, then diverges); in the Training tab,
train the same model and watch w and b in the parameter plot.
</source>
        <translation>线性模型 w·x + b 有两个参数，所以它的损失是 (w, b) 上的一个曲面：这里画成等高线图，并画出每个优化器从同一起点 (w, b) = (−1, −2) 出发所走的路径。

看什么：SGD 沿负梯度方向前进，与等高线垂直地穿过，在狭长的山谷里走得很慢；动量法会冲过头，再摆荡着回来；Adam 起初在 w 和 b 方向上以几乎相等的步长移动。三者最终都停在最小值 (2, 3) 附近。

试一试：给 SGD 更大的学习率（它会来回锯齿形振荡，然后发散）；在“训练”标签页训练同一个模型，并在参数图中观察 w 和 b。
</translation>
    </message>
    <message>
        <source>Exclusive or: class 1 where x₁ and x₂ have the same sign, class 0 where they differ. No straight
line separates the two, so a linear model (no hidden layer) cannot learn it; one hidden layer of
4 tanh neurons can.

What to look at: the two maps side by side, trained on the same points with the same optimizer.
The linear model&apos;s boundary stays one straight line and its accuracy stays near 50–75%; the
network bends its boundary around the quadrants and reaches nearly 100%. In the Network tab
(Training the 2→4→1 session) each hidden neuron draws one straight line; the output combines them.

What to try: in Setup, tick the feature x₁x₂ for the linear model — with the right input a
straight line in feature space is enough. Remove hidden neurons with − in the Network tab: how
few still solve it?
</source>
        <translation>异或：x₁ 与 x₂ 同号处为类别 1，异号处为类别 0。没有一条直线能把两类分开，
所以线性模型（没有隐藏层）学不会它；有一个包含 4 个 tanh 神经元的隐藏层就能学会。

看什么：并排的两张图，用同样的数据点、同样的优化器训练。线性模型的边界始终是一条直线，
准确率停留在 50–75% 左右；神经网络把边界弯折成围绕各象限的形状，准确率接近 100%。
在“网络”标签页中（训练 2→4→1 的会话时），每个隐藏神经元各画出一条直线，输出层把它们组合起来。

试一试：在“设置”中为线性模型勾选特征 x₁x₂——有了合适的输入，特征空间中的一条直线就够了。
在“网络”标签页中用 − 移除隐藏神经元：最少几个还能解决？
</translation>
    </message>
    <message>
        <source>Linear regression, live</source>
        <translation>线性回归：实时训练</translation>
    </message>
    <message>
        <source>Fit y = 2x + 3 with noise and watch the line and the loss as it learns.</source>
        <translation>拟合带噪声的 y = 2x + 3，观察学习过程中直线和损失的变化。</translation>
    </message>
    <message>
        <source>Autograd basics</source>
        <translation>自动微分基础</translation>
    </message>
    <message>
        <source>y = x² + 3x + 1 at x = 2: the graph, grad_fn, and x.grad = 7.</source>
        <translation>在 x = 2 处的 y = x² + 3x + 1：计算图、grad_fn，以及 x.grad = 7。</translation>
    </message>
    <message>
        <source>detach() versus .data</source>
        <translation>detach() 与 .data</translation>
    </message>
    <message>
        <source>Two ways to drop history that share storage with x.</source>
        <translation>丢弃计算历史的两种方式，都与 x 共享存储。</translation>
    </message>
    <message>
        <source>Non-leaf gradients</source>
        <translation>非叶子节点的梯度</translation>
    </message>
    <message>
        <source>retain_grad() and tensor hooks, seen in the debugger.</source>
        <translation>在调试器中观察 retain_grad() 和张量钩子。</translation>
    </message>
    <message>
        <source>Derivative as a limit</source>
        <translation>导数是差商的极限</translation>
    </message>
    <message>
        <source>Difference quotients of 3x² − 4x at 1 converge to autograd&apos;s 2.</source>
        <translation>3x² − 4x 在 x = 1 处的差商收敛到自动微分给出的 2。</translation>
    </message>
    <message>
        <source>Gradient of a dot product</source>
        <translation>点积的梯度</translation>
    </message>
    <message>
        <source>y = 2·xᵀx gives 4x; gradients accumulate until zero_().</source>
        <translation>y = 2·xᵀx 的梯度是 4x；梯度会一直累加，直到 zero_()。</translation>
    </message>
    <message>
        <source>Detaching a computation</source>
        <translation>分离计算</translation>
    </message>
    <message>
        <source>u = y.detach(): the gradient of u·x is u, not 3x².</source>
        <translation>u = y.detach()：u·x 的梯度是 u，而不是 3x²。</translation>
    </message>
    <message>
        <source>Gradient through control flow</source>
        <translation>控制流的梯度</translation>
    </message>
    <message>
        <source>A while loop and an if: the graph follows the input; a.grad = d / a.</source>
        <translation>一个 while 循环加一个 if：计算图随输入而变；a.grad = d / a。</translation>
    </message>
    <message>
        <source>Jacobian, row by row</source>
        <translation>逐行求雅可比矩阵</translation>
    </message>
    <message>
        <source>backward(v) gives vᵀJ: rows [4, 3] and [2, 6]; v = (1, 1) is not J.</source>
        <translation>backward(v) 给出 vᵀJ：两行是 [4, 3] 和 [2, 6]；v = (1, 1) 得到的不是 J。</translation>
    </message>
    <message>
        <source>Dice and probability</source>
        <translation>掷骰子与概率</translation>
    </message>
    <message>
        <source>Frequencies of a fair die&apos;s faces converge to 1/6.</source>
        <translation>均匀骰子各点数出现的频率收敛到 1/6。</translation>
    </message>
    <message>
        <source>The loss over (w, b) with SGD, momentum and Adam paths from one start.</source>
        <translation>(w, b) 上的损失，以及 SGD、动量法和 Adam 从同一起点出发的路径。</translation>
    </message>
    <message>
        <source>Why a hidden layer</source>
        <translation>为什么需要隐藏层</translation>
    </message>
    <message>
        <source>Exclusive or: impossible for a linear model, easy with 4 tanh neurons.</source>
        <translation>异或：线性模型无法学会，4 个 tanh 神经元轻松解决。</translation>
    </message>
    <message>
        <source>the probabilities must be two or more numbers ≥ 0, not all 0</source>
        <translation>概率必须是至少两个 ≥ 0 的数，且不能全为 0</translation>
    </message>
    <message>
        <source>the loss landscape needs a model with exactly two scalar parameters</source>
        <translation>损失曲面需要恰好有两个标量参数的模型</translation>
    </message>
</context>
</TS>
