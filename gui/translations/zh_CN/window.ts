<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccuracyPlot</name>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
</context>
<context>
    <name>BoundaryView</name>
    <message>
        <source>Decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Show test data</source>
        <translation>显示测试数据</translation>
    </message>
    <message>
        <source>Draw the held-out test points (outlined in black).</source>
        <translation>绘制留出的测试点（黑色描边）。</translation>
    </message>
    <message>
        <source>Discretize output</source>
        <translation>离散化输出</translation>
    </message>
    <message>
        <source>Colour each cell by the predicted class alone, not by its confidence.</source>
        <translation>每个格子只按预测的类别着色，不体现置信度。</translation>
    </message>
    <message>
        <source>train loss {0:.4g}</source>
        <translation>训练损失 {0:.4g}</translation>
    </message>
    <message>
        <source>test loss {0:.4g}</source>
        <translation>测试损失 {0:.4g}</translation>
    </message>
    <message>
        <source>test accuracy {0:.1f}%</source>
        <translation>测试准确率 {0:.1f}%</translation>
    </message>
    <message>
        <source>train accuracy {0:.1f}%</source>
        <translation>训练准确率 {0:.1f}%</translation>
    </message>
</context>
<context>
    <name>DataEditor</name>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Generate points or load them.</source>
        <translation>生成数据点，或从文件加载。</translation>
    </message>
    <message>
        <source>True function</source>
        <translation>真实函数</translation>
    </message>
    <message>
        <source>y = f(x) before noise is added.</source>
        <translation>加噪声之前的 y = f(x)。</translation>
    </message>
    <message>
        <source>e.g. {0}</source>
        <translation>例如 {0}</translation>
    </message>
    <message>
        <source>Noise σ</source>
        <translation>噪声 σ</translation>
    </message>
    <message>
        <source>Standard deviation of the Gaussian noise added to each y.</source>
        <translation>加到每个 y 上的高斯噪声的标准差。</translation>
    </message>
    <message>
        <source>x range</source>
        <translation>x 范围</translation>
    </message>
    <message>
        <source>Points are spread evenly over this interval.</source>
        <translation>数据点均匀分布在这个区间内。</translation>
    </message>
    <message>
        <source>to</source>
        <comment>between the two ends of the x range</comment>
        <translation>到</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>点数</translation>
    </message>
    <message>
        <source>How many (x, y) points to generate.</source>
        <translation>要生成多少个 (x, y) 数据点。</translation>
    </message>
    <message>
        <source>Noise seed</source>
        <translation>噪声种子</translation>
    </message>
    <message>
        <source>Same seed, same points.</source>
        <translation>种子相同，数据点就相同。</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Points in the plane, as TensorFlow Playground&apos;s.</source>
        <translation>平面上的数据点，与 TensorFlow Playground 的相同。</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <source>Spiral arms or gaussian clusters: 2 is binary classification, more is multi-class.</source>
        <translation>螺旋的臂数或高斯簇数：2 为二分类，更多为多分类。</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>From 0 to 0.5: how far labels and points stray.</source>
        <translation>0 到 0.5：标签和数据点偏离的程度。</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>The inputs the model sees, computed from each point (x₁, x₂).</source>
        <translation>模型看到的输入，由每个点 (x₁, x₂) 计算得出。</translation>
    </message>
    <message>
        <source>Test fraction</source>
        <translation>测试比例</translation>
    </message>
    <message>
        <source>Share of the points held out (seeded) to measure test loss and accuracy.</source>
        <translation>留出（按种子划分）用于测量测试损失和准确率的数据点比例。</translation>
    </message>
    <message>
        <source>choose a file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <source>A CSV file with a header row and numeric columns.</source>
        <translation>带表头行、各列为数值的 CSV 文件。</translation>
    </message>
    <message>
        <source>x column</source>
        <translation>x 列</translation>
    </message>
    <message>
        <source>The input column.</source>
        <translation>输入列。</translation>
    </message>
    <message>
        <source>y column</source>
        <translation>y 列</translation>
    </message>
    <message>
        <source>The target column.</source>
        <translation>目标列。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Points per training step, drawn at random.</source>
        <translation>每个训练步随机抽取的数据点数。</translation>
    </message>
    <message>
        <source>Open data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>step {0}</source>
        <translation>第 {0} 步</translation>
    </message>
    <message>
        <source>loss {0}</source>
        <translation>损失 {0}</translation>
    </message>
    <message>
        <source>{0} steps/s</source>
        <translation>{0} 步/秒</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Training</source>
        <comment>state: training is running</comment>
        <translation>训练中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>Invalid settings</source>
        <translation>设置无效</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <comment>state: the model and data are being built</comment>
        <translation>正在准备…</translation>
    </message>
    <message>
        <source>Open the example “{0}”?</source>
        <translation>打开示例“{0}”？</translation>
    </message>
    <message>
        <source>Change the network&apos;s layers?</source>
        <translation>更改网络的层？</translation>
    </message>
    <message>
        <source>Reset training?</source>
        <translation>重置训练？</translation>
    </message>
    <message>
        <source>{0}

The current run is at step {1}; applying the change starts over from step 0.</source>
        <translation>{0}

当前训练已进行到第 {1} 步；应用此更改将从第 0 步重新开始。</translation>
    </message>
    <message>
        <source>Could not set up training: {0}</source>
        <translation>无法准备训练：{0}</translation>
    </message>
    <message>
        <source>Apply the changed settings?</source>
        <translation>应用更改后的设置？</translation>
    </message>
    <message>
        <source>The changed settings apply at the next Reset.</source>
        <translation>更改后的设置将在下次重置时生效。</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>{0} — try a smaller learning rate.</source>
        <translation>{0} — 请尝试更小的学习率。</translation>
    </message>
    <message>
        <source>{0}. To train on, raise Steps under Training (or tick “until stopped”) and press Train; Reset starts over.</source>
        <translation>{0}。要继续训练，请在“训练”中增大“步数”（或勾选“直到停止”）后按“训练”；“重置”则从头开始。</translation>
    </message>
    <message>
        <source>Changed settings apply at the next Reset</source>
        <translation>更改后的设置将在下次重置时生效</translation>
    </message>
</context>
<context>
    <name>ModelEditor</name>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Which model is fitted to the data.</source>
        <translation>用哪种模型拟合数据。</translation>
    </message>
    <message>
        <source>Degree</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Highest power of x: the model is c₀ + c₁·x + … + cₖ·xᵏ.</source>
        <translation>x 的最高次幂：模型为 c₀ + c₁·x + … + cₖ·xᵏ。</translation>
    </message>
    <message>
        <source>Hidden sizes</source>
        <translation>隐藏层大小</translation>
    </message>
    <message>
        <source>Units in each hidden layer, separated by commas.</source>
        <translation>每个隐藏层的单元数，用逗号分隔。</translation>
    </message>
    <message>
        <source>e.g. {0}</source>
        <translation>例如 {0}</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Nonlinearity after each hidden layer.</source>
        <translation>每个隐藏层之后的非线性函数。</translation>
    </message>
    <message>
        <source>Expression</source>
        <translation>表达式</translation>
    </message>
    <message>
        <source>The model as a formula in x; every other name is a trained parameter.</source>
        <translation>以 x 表示的模型公式；其他名称都是要训练的参数。</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Initial value</source>
        <translation>初始值</translation>
    </message>
    <message>
        <source>Initial values</source>
        <translation>初始值</translation>
    </message>
    <message>
        <source>Starting value of each parameter; leave empty for the default (seeded).</source>
        <translation>各参数的初始值；留空则使用默认值（由种子决定）。</translation>
    </message>
    <message>
        <source>enter positive whole numbers separated by commas, e.g. {0}</source>
        <translation>请输入用逗号分隔的正整数，例如 {0}</translation>
    </message>
    <message>
        <source>initial value of {0}: &apos;{1}&apos; is not a number</source>
        <translation>{0} 的初始值：“{1}”不是数字</translation>
    </message>
</context>
<context>
    <name>NetworkView</name>
    <message>
        <source>Add a hidden layer (resets the run)</source>
        <translation>添加一个隐藏层（会重置训练）</translation>
    </message>
    <message>
        <source>Remove the last hidden layer (resets the run)</source>
        <translation>移除最后一个隐藏层（会重置训练）</translation>
    </message>
    <message>
        <source>hidden layers: {0}</source>
        <translation>隐藏层：{0}</translation>
    </message>
    <message>
        <source>Remove a neuron from this layer (resets the run)</source>
        <translation>从这一层移除一个神经元（会重置训练）</translation>
    </message>
    <message>
        <source>Add a neuron to this layer (resets the run)</source>
        <translation>向这一层添加一个神经元（会重置训练）</translation>
    </message>
    <message>
        <source>weight {0:.4g}</source>
        <translation>权重 {0:.4g}</translation>
    </message>
    <message>
        <source>Input {0}</source>
        <translation>输入 {0}</translation>
    </message>
    <message>
        <source>Output {0} (before sigmoid or softmax)</source>
        <translation>输出 {0}（sigmoid 或 softmax 之前）</translation>
    </message>
    <message>
        <source>Hidden layer {0}, neuron {1}</source>
        <translation>隐藏层 {0}，神经元 {1}</translation>
    </message>
</context>
<context>
    <name>TrainingEditor</name>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>How each step turns gradients into parameter updates.</source>
        <translation>每一步如何把梯度转化为参数更新。</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Step size. Can be changed while training runs: it applies at the next step.</source>
        <translation>步长。可在训练过程中修改：从下一步起生效。</translation>
    </message>
    <message>
        <source>e.g. {0}</source>
        <translation>例如 {0}</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Fraction of the previous update carried into the next (SGD with momentum).</source>
        <translation>上一次更新带入下一次更新的比例（带动量的 SGD）。</translation>
    </message>
    <message>
        <source>until stopped</source>
        <translation>直到停止</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>How many training steps a run takes; can be raised while it runs.</source>
        <translation>一次训练要执行多少步；可在训练过程中增加。</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Mean of squared errors, or half their sum as in many tutorials; cross-entropy on the model&apos;s logits for classes.</source>
        <translation>平方误差的均值，或如许多教程中那样取其和的一半；分类问题则对模型的原始输出计算交叉熵。</translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>Adds rate·Σ|w| (L1) or rate·Σw² (L2) over the weights to the loss, as Playground does; the field beside it is the rate.</source>
        <translation>像 Playground 一样，把权重的 rate·Σ|w|（L1）或 rate·Σw²（L2）加到损失上；旁边的输入框是正则化率。</translation>
    </message>
    <message>
        <source>rate</source>
        <translation>正则化率</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Seeds initial parameters and batch order: same seed, same run.</source>
        <translation>决定初始参数和批次顺序：种子相同，训练过程就相同。</translation>
    </message>
    <message>
        <source>compiled: each training step runs as one numba function once compiled (compiling takes a few seconds the first time; training runs eagerly meanwhile). eager: step by step in Python. Step and the Graph tab are always eager.</source>
        <translation>编译：编译完成后，每个训练步作为一个 numba 函数运行（首次编译需要几秒钟，期间训练以逐步方式进行）。逐步：由解释器一步一步执行。“单步”和“计算图”标签页始终逐步执行。</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
</context>
<context>
    <name>TrainingWorker</name>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>训练失败：{0}</translation>
    </message>
    <message>
        <source>Training step: compiling…</source>
        <translation>训练步：编译中…</translation>
    </message>
    <message>
        <source>Training step: compiled</source>
        <translation>训练步：已编译</translation>
    </message>
    <message>
        <source>Training step: eager ({0})</source>
        <translation>训练步：逐步执行（{0}）</translation>
    </message>
    <message>
        <source>Finished {0} steps</source>
        <translation>已完成 {0} 步</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>About GradStudio</source>
        <translation>关于 GradStudio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;GradStudio&lt;/h3&gt;&lt;p&gt;See gradient-based training: edit a model and its data, train it live and watch the loss, the fit and the parameters move.&lt;/p&gt;&lt;p&gt;Runs on its own autograd engine, whose API follows PyTorch&apos;s.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;GradStudio&lt;/h3&gt;&lt;p&gt;亲眼看到基于梯度的训练：编辑模型及其数据，实时训练，观察损失、拟合曲线和参数的变化。&lt;/p&gt;&lt;p&gt;运行在自带的自动求导引擎上，其 API 与 PyTorch 一致。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train, or pause training</source>
        <translation>开始训练，或暂停训练</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Run one training step</source>
        <translation>执行一个训练步</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the run, keeping what it learned</source>
        <translation>停止训练，保留已学到的参数</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Start over from step 0 with the settings in the forms</source>
        <translation>按表单中的设置从第 0 步重新开始</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a session file</source>
        <translation>打开会话文件</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export weights, plots, history and the session into a folder</source>
        <translation>将权重、图表、历史记录和会话导出到文件夹</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Quit GradStudio</source>
        <translation>退出 GradStudio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>E&amp;xamples</source>
        <translation>示例(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>重置布局</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Fix the marked fields first</source>
        <translation>请先修正标记出的字段</translation>
    </message>
    <message>
        <source>The run diverged: lower the learning rate and Reset</source>
        <translation>训练已发散：请降低学习率后重置</translation>
    </message>
    <message>
        <source>All steps are done: raise Steps, or Reset</source>
        <translation>所有步数已完成：请增加步数，或重置</translation>
    </message>
</context>
<context>
    <name>choices</name>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Linear  w·x + b</source>
        <translation>线性  w·x + b</translation>
    </message>
    <message>
        <source>Polynomial</source>
        <translation>多项式</translation>
    </message>
    <message>
        <source>MLP (neural network)</source>
        <translation>MLP（神经网络）</translation>
    </message>
    <message>
        <source>Custom expression</source>
        <translation>自定义表达式</translation>
    </message>
    <message>
        <source>SGD with momentum</source>
        <translation>带动量的 SGD</translation>
    </message>
    <message>
        <source>Mean squared error</source>
        <translation>均方误差</translation>
    </message>
    <message>
        <source>½ · sum of squared errors</source>
        <translation>½ · 平方误差和</translation>
    </message>
    <message>
        <source>Binary cross-entropy (BCEWithLogitsLoss)</source>
        <translation>二元交叉熵（BCEWithLogitsLoss）</translation>
    </message>
    <message>
        <source>Cross-entropy (CrossEntropyLoss)</source>
        <translation>交叉熵（CrossEntropyLoss）</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Generated from an expression</source>
        <translation>由表达式生成</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <source>2-D data set (classification, regression)</source>
        <translation>二维数据集（分类、回归）</translation>
    </message>
    <message>
        <source>compiled (numba)</source>
        <translation>编译（numba）</translation>
    </message>
    <message>
        <source>eager</source>
        <translation>逐步执行</translation>
    </message>
</context>
<context>
    <name>config</name>
    <message>
        <source>the seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>the batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>the learning rate must be a finite number &gt; 0</source>
        <translation>学习率必须是大于 0 的有限数</translation>
    </message>
    <message>
        <source>a session must be a JSON object</source>
        <translation>会话必须是一个 JSON 对象</translation>
    </message>
    <message>
        <source>this session has schema version {0}; this GradStudio reads version {1}</source>
        <translation>此会话的格式版本为 {0}；此版本的 GradStudio 只能读取版本 {1}</translation>
    </message>
    <message>
        <source>the &apos;{0}&apos; section must be a JSON object</source>
        <translation>“{0}”部分必须是一个 JSON 对象</translation>
    </message>
    <message>
        <source>unknown setting &apos;{0}&apos; in the {1} section</source>
        <translation>{1} 部分中有未知的设置项“{0}”</translation>
    </message>
    <message>
        <source>could not check the settings: {0}</source>
        <translation>无法检查设置：{0}</translation>
    </message>
    <message>
        <source>unknown {0} {1}; choose one of: {2}</source>
        <translation>未知的{0} {1}；可选：{2}</translation>
    </message>
    <message>
        <source>{0} must be a whole number from {1} to {2}</source>
        <translation>{0}必须是 {1} 到 {2} 之间的整数</translation>
    </message>
    <message>
        <source>model kind</source>
        <translation>模型类型</translation>
    </message>
    <message>
        <source>the degree</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>give 1 to {0} hidden layer sizes</source>
        <translation>请给出 1 到 {0} 个隐藏层的大小</translation>
    </message>
    <message>
        <source>each hidden layer needs 1 to {0} units</source>
        <translation>每个隐藏层需要 1 到 {0} 个单元</translation>
    </message>
    <message>
        <source>activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>the expression has no parameters to train; use names such as a and b, as in a * x + b</source>
        <translation>表达式中没有要训练的参数；请使用 a、b 之类的名称，例如 a * x + b</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is a reserved name; rename this parameter at column {1}</source>
        <translation>第 {1} 列：“{0}”是保留名称，请给这个参数改名</translation>
    </message>
    <message>
        <source>initial values must map parameter names to numbers</source>
        <translation>初始值必须是从参数名到数值的映射</translation>
    </message>
    <message>
        <source>the initial value of &apos;{0}&apos; must be a finite number</source>
        <translation>“{0}”的初始值必须是有限数</translation>
    </message>
    <message>
        <source>data source</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <source>the test fraction must be a number from 0 to {0}</source>
        <translation>测试比例必须是 0 到 {0} 之间的数</translation>
    </message>
    <message>
        <source>the noise standard deviation must be a number ≥ 0</source>
        <translation>噪声标准差必须是 ≥ 0 的数</translation>
    </message>
    <message>
        <source>the x range must be finite numbers</source>
        <translation>x 范围必须是有限数</translation>
    </message>
    <message>
        <source>the end of the x range must be greater than its start</source>
        <translation>x 范围的终点必须大于起点</translation>
    </message>
    <message>
        <source>the number of points</source>
        <translation>点数</translation>
    </message>
    <message>
        <source>regularization</source>
        <translation>正则化方式</translation>
    </message>
    <message>
        <source>the regularization rate must be a finite number ≥ 0</source>
        <translation>正则化率必须是 ≥ 0 的有限数</translation>
    </message>
    <message>
        <source>data set</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>the number of classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <source>the noise must be a number from 0 to {0}</source>
        <translation>噪声必须是 0 到 {0} 之间的数</translation>
    </message>
    <message>
        <source>choose at least one input feature</source>
        <translation>请至少选择一个输入特征</translation>
    </message>
    <message>
        <source>unknown feature {0}; choose from: {1}</source>
        <translation>未知的特征 {0}；可选：{1}</translation>
    </message>
    <message>
        <source>each feature may be chosen once</source>
        <translation>每个特征只能选一次</translation>
    </message>
    <message>
        <source>this data asks for {0}; its loss is one of: {1}</source>
        <translation>这份数据要做的是{0}；可用的损失函数：{1}</translation>
    </message>
    <message>
        <source>a 2-D data set trains a linear model or an MLP; polynomials and expressions take one input x</source>
        <translation>二维数据集只能训练线性模型或 MLP；多项式和表达式只接受一个输入 x</translation>
    </message>
    <message>
        <source>regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <source>binary classification</source>
        <translation>二分类</translation>
    </message>
    <message>
        <source>multi-class classification</source>
        <translation>多分类</translation>
    </message>
    <message>
        <source>the ground truth is not a finite number at x = {0}; change the expression or the x range</source>
        <translation>真实函数在 x = {0} 处不是有限数；请修改表达式或 x 范围</translation>
    </message>
    <message>
        <source>choose a CSV file</source>
        <translation>请选择一个 CSV 文件</translation>
    </message>
    <message>
        <source>no file at {0}</source>
        <translation>找不到文件 {0}</translation>
    </message>
    <message>
        <source>choose the column that holds {0}</source>
        <translation>请选择存放 {0} 的列</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>momentum must be at least 0 and less than 1</source>
        <translation>动量必须大于等于 0 且小于 1</translation>
    </message>
    <message>
        <source>the number of steps must be a whole number from 1 to {0} (or none, to run until stopped)</source>
        <translation>步数必须是 1 到 {0} 之间的整数（或留空，表示一直训练到停止）</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失函数</translation>
    </message>
    <message>
        <source>Circle</source>
        <translation>圆形</translation>
    </message>
    <message>
        <source>Exclusive or</source>
        <translation>异或</translation>
    </message>
    <message>
        <source>Gaussians</source>
        <translation>高斯簇</translation>
    </message>
    <message>
        <source>Spiral</source>
        <translation>螺旋</translation>
    </message>
    <message>
        <source>Plane (regression)</source>
        <translation>平面（回归）</translation>
    </message>
    <message>
        <source>Mixture of gaussians (regression)</source>
        <translation>高斯混合（回归）</translation>
    </message>
</context>
<context>
    <name>data</name>
    <message>
        <source>the file has no column named {0}; its columns are: {1}</source>
        <translation>文件中没有名为 {0} 的列；现有的列为：{1}</translation>
    </message>
    <message>
        <source>{0} has {1} data rows; at least 2 are needed</source>
        <translation>{0} 只有 {1} 行数据；至少需要 2 行</translation>
    </message>
    <message>
        <source>{0} is a folder, not a CSV file</source>
        <translation>{0} 是文件夹，不是 CSV 文件</translation>
    </message>
    <message>
        <source>cannot open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>{0} is not a UTF-8 text file</source>
        <translation>{0} 不是 UTF-8 文本文件</translation>
    </message>
    <message>
        <source>{0} is empty; it needs a header line and data rows</source>
        <translation>{0} 是空的；需要一个表头行和若干数据行</translation>
    </message>
    <message>
        <source>{0}, line {1}: a value is longer than {2} KiB; this is not a table of numbers</source>
        <translation>{0} 第 {1} 行：有一个值超过 {2} KiB；这不是数字表格</translation>
    </message>
    <message>
        <source>{0}, line {1}: {2}</source>
        <translation>{0} 第 {1} 行：{2}</translation>
    </message>
    <message>
        <source>line {0} has {1} values; column {2} is missing</source>
        <translation>第 {0} 行有 {1} 个值；缺少列 {2}</translation>
    </message>
    <message>
        <source>line {0}, column {1}: is empty</source>
        <translation>第 {0} 行，列 {1}：为空</translation>
    </message>
    <message>
        <source>line {0}, column {1}: {2} is not a number</source>
        <translation>第 {0} 行，列 {1}：{2} 不是数字</translation>
    </message>
    <message>
        <source>line {0}, column {1}: {2} is not a finite number</source>
        <translation>第 {0} 行，列 {1}：{2} 不是有限数</translation>
    </message>
</context>
<context>
    <name>editors</name>
    <message>
        <source>Numbers, x, + - * / **, unary minus and the functions {0}.</source>
        <translation>可用：数字、x、+ - * / **、负号，以及函数 {0}。</translation>
    </message>
</context>
<context>
    <name>examples</name>
    <message>
        <source>Linear regression</source>
        <translation>线性回归</translation>
    </message>
    <message>
        <source>Cubic by polynomial regression</source>
        <translation>用多项式回归拟合三次函数</translation>
    </message>
    <message>
        <source>Sine wave by a small MLP</source>
        <translation>用小型 MLP 拟合正弦波</translation>
    </message>
    <message>
        <source>Custom expression a·sin(w·x) + c</source>
        <translation>自定义表达式 a·sin(w·x) + c</translation>
    </message>
</context>
<context>
    <name>expression</name>
    <message>
        <source>attribute access is not allowed</source>
        <translation>不允许访问属性</translation>
    </message>
    <message>
        <source>&apos;//&apos; is not allowed; use &apos;/&apos;</source>
        <translation>不允许使用“//”；请用“/”</translation>
    </message>
    <message>
        <source>{0} at column {1}</source>
        <translation>第 {1} 列：{0}</translation>
    </message>
    <message>
        <source>the expression must be text</source>
        <translation>表达式必须是文本</translation>
    </message>
    <message>
        <source>the expression is empty</source>
        <translation>表达式为空</translation>
    </message>
    <message>
        <source>the expression is too long ({0} characters; the limit is {1})</source>
        <translation>表达式太长（{0} 个字符；上限为 {1}）</translation>
    </message>
    <message>
        <source>the expression could not be understood</source>
        <translation>无法理解这个表达式</translation>
    </message>
    <message>
        <source>comparisons are not allowed</source>
        <translation>不允许使用比较运算</translation>
    </message>
    <message>
        <source>indexing with [ ] is not allowed</source>
        <translation>不允许用 [ ] 索引</translation>
    </message>
    <message>
        <source>braces { } are not allowed</source>
        <translation>不允许使用花括号 { }</translation>
    </message>
    <message>
        <source>text in quotes is not allowed</source>
        <translation>不允许使用引号中的文本</translation>
    </message>
    <message>
        <source>line breaks are not allowed</source>
        <translation>不允许换行</translation>
    </message>
    <message>
        <source>&apos;^&apos; is not a power operator here; use &apos;**&apos; (for example x**2)</source>
        <translation>“^”在这里不是幂运算符；请用“**”（例如 x**2）</translation>
    </message>
    <message>
        <source>&apos;=&apos; is not allowed: write only the right-hand side, without &apos;y =&apos;</source>
        <translation>不允许使用“=”：只写右边的部分，不要写“y =”</translation>
    </message>
    <message>
        <source>comments are not allowed</source>
        <translation>不允许使用注释</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not allowed; use + - * / ** and parentheses</source>
        <translation>不允许使用“{0}”；请用 + - * / ** 和括号</translation>
    </message>
    <message>
        <source>unexpected character {0}</source>
        <translation>意外的字符 {0}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not allowed</source>
        <translation>不允许使用“{0}”</translation>
    </message>
    <message>
        <source>unknown function &apos;{0}&apos;</source>
        <translation>未知函数“{0}”</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is a function; call it like {0}(x)</source>
        <translation>“{0}”是函数；请这样调用：{0}(x)</translation>
    </message>
    <message>
        <source>missing the argument of {0}()</source>
        <translation>{0}() 缺少参数</translation>
    </message>
    <message>
        <source>{0}() takes one argument; unexpected &apos;,&apos;</source>
        <translation>{0}() 只接受一个参数；意外的“,”</translation>
    </message>
    <message>
        <source>missing operator between &apos;{0}&apos; and &apos;{1}&apos; (use * to multiply)</source>
        <translation>“{0}”和“{1}”之间缺少运算符（乘法请用 *）</translation>
    </message>
    <message>
        <source>the expression ends too early: something is missing after &apos;{0}&apos;</source>
        <translation>表达式提前结束：“{0}”之后缺少内容</translation>
    </message>
    <message>
        <source>the expression ends too early: something is missing</source>
        <translation>表达式提前结束：缺少内容</translation>
    </message>
    <message>
        <source>&apos;(&apos; is never closed</source>
        <translation>“(”没有闭合</translation>
    </message>
    <message>
        <source>unexpected &apos;{0}&apos;</source>
        <translation>意外的“{0}”</translation>
    </message>
    <message>
        <source>the expression is nested too deeply (more than {0} levels)</source>
        <translation>表达式嵌套太深（超过 {0} 层）</translation>
    </message>
    <message>
        <source>complex numbers are not allowed</source>
        <translation>不允许使用复数</translation>
    </message>
    <message>
        <source>the number &apos;{0}&apos; is too large</source>
        <translation>数字“{0}”太大</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a valid number</source>
        <translation>“{0}”不是有效的数字</translation>
    </message>
    <message>
        <source>unknown name &apos;{0}&apos;</source>
        <translation>未知名称“{0}”</translation>
    </message>
    <message>
        <source>parameter names cannot start with &apos;_&apos; (&apos;{0}&apos;)</source>
        <translation>参数名不能以“_”开头（“{0}”）</translation>
    </message>
    <message>
        <source>division by zero</source>
        <translation>除以零</translation>
    </message>
    <message>
        <source>too large for a floating-point number</source>
        <translation>超出浮点数的表示范围</translation>
    </message>
    <message>
        <source>not a real number</source>
        <translation>不是实数</translation>
    </message>
    <message>
        <source>not a finite number</source>
        <translation>不是有限数</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; has no finite value: {1}</source>
        <translation>“{0}”没有有限值：{1}</translation>
    </message>
    <message>
        <source>{0} is not allowed</source>
        <translation>不允许使用 {0}</translation>
    </message>
</context>
<context>
    <name>form_fields</name>
    <message>
        <source>{0} (column {1})</source>
        <translation>第 {1} 列：{0}</translation>
    </message>
    <message>
        <source>column</source>
        <comment>the word for a column of the expression&apos;s text</comment>
        <translation>列</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is not a number</source>
        <translation>“{0}”不是数字</translation>
    </message>
    <message>
        <source>enter a number</source>
        <translation>请输入一个数字</translation>
    </message>
    <message>
        <source>must be a finite number</source>
        <translation>必须是有限数</translation>
    </message>
</context>
<context>
    <name>trainer</name>
    <message>
        <source>Loss became {0} at step {1}</source>
        <translation>损失在第 {1} 步变为 {0}</translation>
    </message>
    <message>
        <source>The gradient of &apos;{0}&apos; became {1} at step {2}</source>
        <translation>“{0}”的梯度在第 {2} 步变为 {1}</translation>
    </message>
    <message>
        <source>Parameter &apos;{0}&apos; became {1} at step {2}</source>
        <translation>参数“{0}”在第 {2} 步变为 {1}</translation>
    </message>
    <message>
        <source>the eager engine was chosen</source>
        <translation>已选择即时（eager）引擎</translation>
    </message>
    <message>
        <source>The loss is {0} before any training step: the model&apos;s starting outputs are too large (up to {1:.3g}) for the loss to be computed. Change the model or its initial values; a smaller learning rate will not help</source>
        <translation>在任何训练步骤之前损失就是 {0}：模型的初始输出过大（最大 {1:.3g}），无法计算损失。请修改模型或其初始值；减小学习率无济于事</translation>
    </message>
    <message>
        <source>every x of the batch ({0})</source>
        <translation>该批次的每个 x（{0}）</translation>
    </message>
    <message>
        <source>The model&apos;s output is {0} at {1} with its starting parameters, before any training step: the model cannot be computed there (a division by zero, an overflowing power or exp?). Change the model or its initial values, or the data&apos;s x range; a smaller learning rate will not help</source>
        <translation>在任何训练步骤之前，模型以初始参数在 {1} 处的输出就是 {0}：模型在那里无法计算（除以零、幂或 exp 溢出？）。请修改模型或其初始值，或数据的 x 范围；减小学习率无济于事</translation>
    </message>
    <message>
        <source>{0} — try a smaller learning rate (it is {1})</source>
        <translation>{0} — 请尝试更小的学习率（当前为 {1}）</translation>
    </message>
    <message>
        <source>these settings need about {0} GB of memory per training step and this computer has {1} GB: use a smaller batch or fewer hidden units</source>
        <translation>这些设置每个训练步约需 {0} GB 内存，而这台电脑只有 {1} GB：请减小批大小或减少隐藏单元</translation>
    </message>
</context>
</TS>
