using CollapseLab.Cli;

CollapseLab.StartupTrace.Mark("main");
return CollapseCli.Run(args, Console.Out, Console.Error);
